// Who is signed in (WhoAmI) and the trust's framework they work under, fetched
// once per sign-in and shared by the pages.

import { api } from "./api";
import type { WhoAmIResponse } from "./gen/trust/academies/v1/academies_pb";
import type { JudgementScheme } from "./gen/trust/evaluations/v1/evaluations_pb";
import { humanise } from "./format";

/** The parts of the trust's framework (frameworks/framework.schema.json) the pages use. */
export type Framework = {
  name: string;
  phaseLabel: string; // "phase" or "category"
  phases: Map<string, { name: string; supportTier: string }>;
  returnTypes: string[]; // the data-drop calendar's return types
};

export class Session {
  private framework?: Promise<Framework | null>;
  private schemes = new Map<string, Promise<JudgementScheme>>();

  constructor(readonly me: WhoAmIResponse) {}

  get trustId(): string {
    return this.me.trustId;
  }

  /** May the caller act for this academy (submit its data)? */
  actsFor(academyId: string): boolean {
    return this.me.academies.some((a) => a.academyId === academyId);
  }

  /** The framework in force (GetTrust), or null where the role may not read the trust. */
  trustFramework(): Promise<Framework | null> {
    this.framework ??= api.academies
      .getTrust({ trustId: this.trustId })
      .then((trust) => parseFramework(trust.frameworkJson))
      .catch(() => null);
    return this.framework;
  }

  /** A phase id as its name in the trust's framework. */
  async phaseName(phase: string): Promise<string> {
    const framework = await this.trustFramework();
    return framework?.phases.get(phase)?.name ?? humanise(phase);
  }

  /** The judgement scheme's areas and grades (GetJudgementScheme) for one academy. */
  judgementScheme(academyId: string): Promise<JudgementScheme> {
    let scheme = this.schemes.get(academyId);
    if (!scheme) {
      scheme = api.evaluations.getJudgementScheme({ trustId: this.trustId, academyId });
      this.schemes.set(academyId, scheme);
    }
    return scheme;
  }
}

type FrameworkJson = {
  name?: string;
  phase_label?: string;
  phases?: { id: string; name: string; support_tier?: string }[];
  data_drops?: { return_type: string }[];
};

function parseFramework(json: string): Framework | null {
  if (!json) return null;
  const parsed = JSON.parse(json) as FrameworkJson;
  return {
    name: parsed.name ?? "",
    phaseLabel: parsed.phase_label || "phase",
    phases: new Map(
      (parsed.phases ?? []).map((p) => [p.id, { name: p.name, supportTier: p.support_tier ?? "" }]),
    ),
    returnTypes: [...new Set((parsed.data_drops ?? []).map((d) => d.return_type))],
  };
}
