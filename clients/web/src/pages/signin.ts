// Sign in with a token: WhoAmI confirms it before it is kept (sessionStorage).
// With an identity provider this page would be its redirect instead (README.md).

import { api, problemOf, token } from "../api";
import { h } from "../dom";
import type { WhoAmIResponse } from "../gen/trust/academies/v1/academies_pb";

export function signInPage(onSignedIn: (me: WhoAmIResponse) => void, reason?: string): HTMLElement {
  const input = h("textarea", {
    id: "token",
    name: "token",
    rows: 5,
    required: true,
    spellcheck: "false",
    autocomplete: "off",
    "aria-describedby": "token-hint",
    "data-testid": "token-input",
  });
  const message = h("div", { class: "form-message", role: "alert", "data-testid": "signin-error" });
  const button = h("button", { type: "submit", class: "button", "data-testid": "signin-button" }, "Sign in");

  const form = h(
    "form",
    {
      class: "card signin",
      "aria-labelledby": "signin-title",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const pasted = input.value.trim().replace(/^Bearer\s+/i, "");
        if (!pasted) {
          message.textContent = "Paste your token first.";
          return;
        }
        button.disabled = true;
        message.textContent = "";
        try {
          const me = await api.academies.whoAmI({}, { headers: { authorization: `Bearer ${pasted}` } });
          token.set(pasted);
          onSignedIn(me);
        } catch (error) {
          const problem = problemOf(error);
          message.replaceChildren(
            h("p", {}, "That token was not accepted."),
            h("p", { class: "notice-detail" }, "The platform says: ", h("q", {}, problem.message)),
          );
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h1", { id: "signin-title" }, "Sign in"),
    reason ? h("p", { class: "notice notice-signed-out", "data-testid": "signin-reason" }, reason) : null,
    h(
      "p",
      {},
      "Sign in to see your trust's academies: their improvement phase, the board's RAG rating, " +
        "judgements, meetings, actions, support and budget.",
    ),
    h("label", { for: "token" }, "Your access token"),
    h(
      "p",
      { id: "token-hint", class: "hint" },
      "Paste the token you were given. On a local platform, scripts/demo prints one for each role. " +
        "It is kept in this browser tab only, until you sign out or close the tab.",
    ),
    input,
    message,
    button,
  );
  return form;
}
