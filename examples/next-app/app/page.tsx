export default function Home() {
  return (
    <main>
      <a href="/auth/signin">Sign in with hh.ru</a> · <a href="/profile">Profile</a>
    </main>
  );
}
