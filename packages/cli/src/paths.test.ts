import { describe, expect, it } from 'vitest';
import { configDir } from './paths.js';

describe('configDir', () => {
  it('Linux and other Unix systems: XDG_CONFIG_HOME, else ~/.config; a relative one is ignored', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/u')).toBe('/x/cfg/hh-oauth');
    expect(configDir({}, 'linux', '/home/u')).toBe('/home/u/.config/hh-oauth');
    expect(configDir({ XDG_CONFIG_HOME: 'rel/cfg' }, 'freebsd', '/home/u')).toBe(
      '/home/u/.config/hh-oauth',
    );
  });

  it("macOS and Windows: the platform's own folders", () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x' }, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/hh-oauth',
    );
    expect(configDir({ APPDATA: '/AppData/Roaming' }, 'win32', '/u')).toMatch(
      /AppData[\\/]Roaming[\\/]hh-oauth$/,
    );
  });

  it('HH_OAUTH_CONFIG_DIR wins everywhere', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(configDir({ HH_OAUTH_CONFIG_DIR: '/elsewhere' }, platform, '/h')).toBe('/elsewhere');
    }
  });
});
