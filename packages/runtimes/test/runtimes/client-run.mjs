// Runs the client scenario once and prints its one JSON line (command-line runtimes, Chromium).
import { runClientScenario } from './client-scenario.mjs';
import { config } from './config.mjs';

console.log(JSON.stringify(await runClientScenario(config)));
