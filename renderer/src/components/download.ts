/** Saves `blob` as a file the browser's way (the download bar); the desktop app shows its save dialog for it. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  downloadUrl(url, name);
  // The click has started the download by the time the next task runs.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Follows a same-origin URL as a download (the station answers with `content-disposition: attachment`). */
export function downloadUrl(url: string, name = ''): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}
