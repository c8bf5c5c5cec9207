// The client scenario as a worker (workerd through miniflare): one request runs it.
import { runClientScenario } from './client-scenario.mjs';
import { config } from './config.mjs';

export default {
  async fetch() {
    try {
      return Response.json(await runClientScenario(config));
    } catch (error) {
      return new Response(String(error?.stack ?? error), { status: 500 });
    }
  },
};
