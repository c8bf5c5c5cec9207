// GET /auth/signin, GET /auth/callback, POST /auth/signout: @hh-oauth/web answers all three.
import { auth } from '@/lib/auth';

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  return (await auth().handle(request)) ?? new Response('Not found', { status: 404 });
}

export { handle as GET, handle as POST };
