// The reference web client: sign in, the trust's academies, one academy.
// Pages are chosen by the address's hash (#/ and #/academy/<id>), so the
// gateway serves one index.html and every page can be bookmarked.

import "./styles.css";
import { api, problemOf, token, whenSignedOut } from "./api";
import { h } from "./dom";
import type { WhoAmIResponse } from "./gen/trust/academies/v1/academies_pb";
import { roleName } from "./format";
import { academiesPage } from "./pages/academies";
import { academyPage } from "./pages/academy";
import { signInPage } from "./pages/signin";
import { Session } from "./session";

const main = document.getElementById("main") as HTMLElement;
const header = document.getElementById("site-header") as HTMLElement;
let session: Session | null = null;

function show(page: HTMLElement, title: string): void {
  document.title = `${title} · Trust improvement`;
  main.replaceChildren(page);
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function renderHeader(): void {
  const brand = h("a", { class: "brand", href: "#/" }, "Trust improvement");
  if (!session) {
    header.replaceChildren(h("div", { class: "bar" }, brand));
    return;
  }
  const me = session.me;
  const scope = me.trustWide
    ? "the whole trust"
    : me.academies.map((a) => a.name).join(", ") || "no academies";
  header.replaceChildren(
    h(
      "div",
      { class: "bar" },
      brand,
      h(
        "div",
        { class: "who", "data-testid": "whoami" },
        h("span", { class: "who-name", "data-field": "subject" }, me.subject),
        h("span", { class: "who-role", "data-field": "role" }, roleName(me.role)),
        h("span", { class: "who-scope", "data-field": "scope" }, `${me.trustName || me.trustId}: ${scope}`),
      ),
      h("button", { type: "button", class: "button secondary", "data-testid": "signout", onclick: () => signOut() }, "Sign out"),
    ),
  );
}

function signOut(reason?: string): void {
  token.clear();
  session = null;
  renderHeader();
  if (location.hash && location.hash !== "#/") history.replaceState(null, "", "#/");
  show(signInPage(signedIn, reason), "Sign in");
}

function signedIn(me: WhoAmIResponse): void {
  session = new Session(me);
  renderHeader();
  route();
}

function route(): void {
  if (!session) return;
  const match = /^#\/academy\/([^/]+)$/.exec(location.hash);
  if (match) show(academyPage(session, decodeURIComponent(match[1])), "Academy");
  else show(academiesPage(session), "Academies");
}

async function start(): Promise<void> {
  whenSignedOut((message) => signOut(`You have been signed out: ${message}`));
  window.addEventListener("hashchange", route);
  renderHeader();
  if (!token.get()) {
    show(signInPage(signedIn), "Sign in");
    return;
  }
  try {
    signedIn(await api.academies.whoAmI({}));
  } catch (error) {
    const problem = problemOf(error);
    if (problem.kind === "signed-out") signOut(`Please sign in again: ${problem.message}`);
    else show(h("div", { class: "card notice" }, `The platform could not be reached: ${problem.message}`), "Problem");
  }
}

void start();
