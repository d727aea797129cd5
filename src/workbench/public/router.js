// Routing under /workbench/ with the History API: real URLs, so a page can be bookmarked,
// reloaded or opened in a new tab (the hub answers index.html for every /workbench/* path).
import { useEffect, useState } from "/assets/vendor/preact-hooks.mjs";

export const ROOT = "/workbench/";

/** The current route: { page, params, query }. */
export function currentRoute() {
  const rest = location.pathname.startsWith(ROOT) ? location.pathname.slice(ROOT.length) : "";
  const parts = rest.split("/").filter(Boolean).map(decodeURIComponent);
  const query = Object.fromEntries(new URLSearchParams(location.search));
  if (parts[0] === "tickets" && parts[1]) return { page: "ticket", params: { number: parts[1] }, query };
  // 民意洞察: /opinion (概览), /opinion/topics[/<id>], /opinion/trends, /opinion/places, /opinion/alerts
  if (parts[0] === "opinion") return { page: "opinion", params: { view: parts[1] ?? "overview", id: parts[2] }, query };
  const page = parts[0] ?? "inbox";
  return { page, params: {}, query };
}

const listeners = new Set();
function changed() {
  for (const listener of listeners) listener(currentRoute());
}
addEventListener("popstate", changed);

/** Goes to a workbench path ("tickets/GD…", "?tab=overdue"); replace keeps history clean for filters. */
export function navigate(path, { replace = false } = {}) {
  const url = path.startsWith("/") ? path : ROOT + path;
  if (url === location.pathname + location.search) return;
  history[replace ? "replaceState" : "pushState"](null, "", url);
  changed();
  if (!replace) scrollTo(0, 0);
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    listeners.add(setRoute);
    return () => listeners.delete(setRoute);
  }, []);
  return route;
}

/** Same-origin links to /workbench/ are handled here instead of reloading the page. */
export function interceptLinks() {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest?.("a[href]");
    if (!link || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(ROOT)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
