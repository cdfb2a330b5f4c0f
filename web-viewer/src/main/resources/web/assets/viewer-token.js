// The viewer token of the page's stream: from the link's fragment (#token=..., which no server,
// proxy or access log sees, and which browsers keep across the portal's redirect) or a legacy
// ?token= (links printed before fragments); kept in sessionStorage (this tab only) and taken out of
// the address bar at once. It is sent only as a Bearer token (docs/security.md, "Viewer access").

export class ViewerToken {
  constructor(stream) {
    this.key = `lancast.viewerToken.${stream}`;
  }

  /** The token from the link, else the one kept for this tab; null when there is none. */
  take() {
    const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token')
      ?? new URLSearchParams(location.search).get('token');
    if (!fromUrl) return sessionStorage.getItem(this.key);
    this.keep(fromUrl);
    const clean = new URL(location.href);
    clean.searchParams.delete('token');
    clean.hash = '';
    history.replaceState(history.state, '', clean.href);
    return fromUrl;
  }

  keep(token) {
    if (token) sessionStorage.setItem(this.key, token);
  }
}
