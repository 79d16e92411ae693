// How values read on the page: money, dates, the school year, and the
// platform's ids (roles, terms, return types) in plain English.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Pence as people read money: £1,234.56 (-£12.00 when negative), as the board pack does. */
export function pounds(pence: bigint | number): string {
  const value = BigInt(pence);
  const sign = value < 0n ? "-" : "";
  const magnitude = value < 0n ? -value : value;
  const whole = (magnitude / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const part = (magnitude % 100n).toString().padStart(2, "0");
  return `${sign}£${whole}.${part}`;
}

/** An ISO date (2026-11-24) as 24 Nov 2026; empty stays empty. */
export function day(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
}

const LONDON = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const LONDON_DATE = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" });

/** An RFC 3339 time as its day and time in England: 24 Nov 2026, 16:00. */
export function when(rfc3339: string): string {
  const moment = new Date(rfc3339);
  if (Number.isNaN(moment.getTime())) return rfc3339;
  return `${day(LONDON_DATE.format(moment))}, ${LONDON.format(moment)}`;
}

/** Today's date in England, ISO. */
export function today(): string {
  return LONDON_DATE.format(new Date());
}

/** The academic year a day falls in (1 September starts one): "2026/27". */
export function academicYearOf(iso: string): string {
  const [year, month] = iso.split("-").map(Number);
  const start = month >= 9 ? year : year - 1;
  return `${start}/${String((start + 1) % 100).padStart(2, "0")}`;
}

/** The term a day falls in, by month, as the platform counts it. */
export function termOf(iso: string): string {
  const month = Number(iso.split("-")[1]);
  if (month >= 9) return "autumn";
  if (month <= 3) return "spring";
  return "summer";
}

export const TERMS = ["autumn", "spring", "summer"];

const ROLES: Record<string, string> = {
  trustee: "Trustee",
  chief_executive: "Chief executive",
  improvement_lead: "Improvement lead",
  headteacher: "Headteacher",
  chair_of_lgb: "Chair of the local governing board",
  finance: "Finance",
  provider: "Provider",
};

export function roleName(role: string): string {
  return ROLES[role] ?? humanise(role);
}

const RETURN_TYPES: Record<string, string> = {
  termly_kpi: "Termly KPI return",
  half_termly_data_drop: "Half-termly data drop",
  annual_summary: "Annual summary",
};

export function returnTypeName(returnType: string): string {
  return RETURN_TYPES[returnType] ?? humanise(returnType);
}

const EVALUATION_KINDS: Record<string, string> = {
  self_evaluation: "Self-evaluation",
  trust_evaluation: "Trust evaluation",
  roundtable: "Roundtable",
  external_review: "External review",
};

export function evaluationKindName(kind: string): string {
  return EVALUATION_KINDS[kind] ?? humanise(kind);
}

/** A period as people say it: "autumn 2026/27", "autumn 2026/27, half-term 1". */
export function periodText(period: { academicYear: string; term: string; halfTerm: number } | undefined): string {
  if (!period) return "";
  const half = period.halfTerm ? `, half-term ${period.halfTerm}` : "";
  return `${period.term} ${period.academicYear}${half}`;
}

/** An id as words: "requires_improvement" -> "Requires improvement". */
export function humanise(id: string): string {
  const words = id.replace(/[_-]+/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : "";
}

export function person(p: { subject: string; role: string } | undefined): string {
  if (!p || !p.subject) return "";
  return `${p.subject} (${roleName(p.role)})`;
}
