export function ErrorBanner({ message, id }: { message: string | null; id?: string }) {
  if (!message) return null;
  return (
    <p className="banner error" role="alert" id={id}>
      {message}
    </p>
  );
}
