// The platform's API as the page calls it: one Connect transport to the gateway
// that served the page (same origin), typed clients generated from proto/, the
// bearer token on every call, and errors turned into plain words.

import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AcademiesService } from "./gen/trust/academies/v1/academies_pb";
import { EvaluationsService } from "./gen/trust/evaluations/v1/evaluations_pb";
import { MeetingsService } from "./gen/trust/meetings/v1/meetings_pb";
import { ReportingService } from "./gen/trust/reporting/v1/reporting_pb";
import { SupportService } from "./gen/trust/support/v1/support_pb";

const TOKEN_KEY = "trust.token";

/** The signed-in token: kept for this browser tab only (sessionStorage). */
export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

const bearer: Interceptor = (next) => async (request) => {
  const current = token.get();
  if (current && !request.header.has("authorization")) {
    request.header.set("authorization", `Bearer ${current}`);
  }
  return next(request);
};

const transport = createConnectTransport({
  baseUrl: window.location.origin,
  // Connect in binary: the gateway passes the bytes through to the services
  // without transcoding them (JSON costs it a few milliseconds of CPU a call).
  useBinaryFormat: true,
  interceptors: [bearer],
  defaultTimeoutMs: 20_000,
});

export const api = {
  academies: createClient(AcademiesService, transport),
  evaluations: createClient(EvaluationsService, transport),
  meetings: createClient(MeetingsService, transport),
  support: createClient(SupportService, transport),
  reporting: createClient(ReportingService, transport),
};

/** Every page of a List call, in order (page_size 500, the platform's most). */
export async function allPages<T>(
  fetchPage: (pageToken: string) => Promise<{ nextPageToken: string; items: T[] }>,
): Promise<T[]> {
  const items: T[] = [];
  let pageToken = "";
  do {
    const page = await fetchPage(pageToken);
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return items;
}

export const PAGE_SIZE = 500;

export type Problem = {
  kind: "denied" | "refused" | "signed-out" | "unavailable" | "failed";
  message: string; // the platform's own words (its status message)
};

/** What went wrong, from the status the platform answered with. */
export function problemOf(error: unknown): Problem {
  const e = ConnectError.from(error);
  const message = e.rawMessage || Code[e.code];
  switch (e.code) {
    case Code.PermissionDenied:
      return { kind: "denied", message };
    case Code.Unauthenticated:
      return { kind: "signed-out", message };
    case Code.InvalidArgument:
    case Code.FailedPrecondition:
    case Code.AlreadyExists:
    case Code.NotFound:
    case Code.OutOfRange:
      return { kind: "refused", message };
    case Code.Unavailable:
    case Code.DeadlineExceeded:
      return { kind: "unavailable", message };
    default:
      return { kind: "failed", message };
  }
}

export function isDenied(error: unknown): boolean {
  return ConnectError.from(error).code === Code.PermissionDenied;
}

/** Called when a call finds the token no longer accepted (expired, say). */
let onSignedOut: (message: string) => void = () => {};
export function whenSignedOut(handler: (message: string) => void): void {
  onSignedOut = handler;
}
export function signedOut(message: string): void {
  onSignedOut(message);
}
