// A server component reading the session: GET /me on the visitor's behalf, refreshed when expired.
import { headers } from 'next/headers';
import { sessionFrom } from '@/lib/auth';

export const dynamic = 'force-dynamic';

export default async function Profile() {
  const session = await sessionFrom(await headers());
  if (!session) {
    return (
      <main>
        <p>Not signed in.</p>
        <a href="/auth/signin">Sign in with hh.ru</a>
      </main>
    );
  }
  const me = await session.me();
  if (me.auth_type === 'application') return <main>An application token.</main>;
  return (
    <main>
      <h1>
        Hello, <span id="name">{[me.first_name, me.last_name].join(' ')}</span>
      </h1>
      <p id="email">{me.email}</p>
      <form method="post" action="/auth/signout">
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
