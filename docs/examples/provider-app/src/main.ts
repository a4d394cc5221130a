// A provider's app, written against the Parcours schema and nothing else: it signs
// in, reads the provider's progress, rates the competency with the largest gap (or
// the first one), and lists the upcoming sessions of a recommended module.
//
// Types come from `make client` (api_schema/parcours.d.ts), calls from openapi-fetch:
// a path, a parameter or a field that the schema no longer has fails `tsc --strict`.
//
//   PARCOURS_URL=http://127.0.0.1:8000 PARCOURS_USERNAME=… PARCOURS_PASSWORD=… npm start

import createClient from "openapi-fetch";
import type { components, paths } from "../../../../api_schema/parcours.js";

type Progress = components["schemas"]["Progress"];
type Session = components["schemas"]["Session"];

function setting(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

function failure(step: string, error: unknown, status: number): Error {
  return new Error(`${step}: HTTP ${status} ${JSON.stringify(error)}`);
}

async function main(): Promise<void> {
  const baseUrl = setting("PARCOURS_URL");
  const api = createClient<paths>({ baseUrl, headers: { "Accept-Language": "en" } });

  // 1. Sign in: a pair of signed tokens.
  const signIn = await api.POST("/api/v1/auth/token/", {
    body: { username: setting("PARCOURS_USERNAME"), password: setting("PARCOURS_PASSWORD") },
  });
  if (!signIn.data) {
    throw failure("sign-in", signIn.error, signIn.response.status);
  }
  const headers = { Authorization: `Bearer ${signIn.data.access}` };

  // 2. My progress: per competency, the self-assessed, evidenced and target levels.
  const progress = await api.GET("/api/v1/providers/me/progress/", { headers });
  if (!progress.data) {
    throw failure("progress", progress.error, progress.response.status);
  }
  const profile: Progress = progress.data;
  const widest = [...profile.competencies].sort((a, b) => (b.gap ?? 0) - (a.gap ?? 0))[0];
  if (widest === undefined) {
    throw new Error("the framework has no competency");
  }

  // 3. Rate that competency one level up from where I stand.
  const level = Math.min((widest.self_assessed_level ?? 0) + 1, widest.proficient_level);
  const rating = await api.POST("/api/v1/self-assessments/", {
    headers,
    body: { competency: widest.competency, level, comment: "From the example app." },
  });
  if (!rating.data) {
    throw failure("self-assessment", rating.error, rating.response.status);
  }
  const created = Array.isArray(rating.data) ? rating.data : [rating.data];

  // 4. Upcoming sessions of the first recommended module, or of any module.
  const recommended = profile.recommendations[0];
  const sessions = await api.GET("/api/v1/sessions/", {
    headers,
    params: {
      query: {
        starts_after: new Date().toISOString(),
        page_size: 5,
        ...(recommended ? { module: recommended.module } : {}),
      },
    },
  });
  const page = sessions.data;
  if (!page) {
    throw failure("sessions", sessions.error, sessions.response.status);
  }
  // The list is also offered as CSV and as a spreadsheet: keep to the JSON page.
  if (typeof page !== "object" || !("results" in page)) {
    throw new Error("sessions: the answer is not a JSON page");
  }
  const upcoming: Session[] = page.results;

  console.log(
    JSON.stringify({
      provider: profile.provider,
      competencies: profile.competencies.length,
      rated: { competency: widest.code, level, ids: created.map((one) => one.id) },
      recommended: recommended?.code ?? null,
      sessions: upcoming.map((session) => ({ id: session.id, starts_at: session.starts_at })),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
