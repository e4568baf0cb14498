#!/usr/bin/env python3
"""Hand-written bugs, each one a developer could plausibly write, applied one at a time to the
app (ghcr_stats/), the parser crate (components/html-parser/src), the alert rules
(deploy/prometheus) and the Helm chart (helm/ghcr-stats), each run against the suites that
must catch it. Not operator swaps (mutmut's `make mutation` does those): a check left out, a
promised number changed, an escape forgotten, a rule that counts the wrong thing.

Which suites a bug meets, by where it is:
- app: the fast suites (`pytest tests/unit tests/service`); a bug they miss, the end-to-end
  suite too, on the app rebuilt with it (`make build build-test`: the tests that move time
  serve it with their clock plugged in; `pytest tests/e2e`);
- rust: the crate's tests (`make test-rust`), then the parser's Python tests on the component
  rebuilt with it (`make build/html-parser.wasm`, `pytest tests/parser`);
- rules: `pytest tests/monitoring` (promtool's rule tests and checks);
- chart: `pytest tests/chart`.

Each bug is one exact replacement that must match exactly once, so a refactor that moves the
code fails loudly instead of testing nothing. The file is restored after each, whatever happens,
and what was rebuilt is rebuilt clean at the end. Writes tests/mutation/semantic-report.md;
exits 1 if a bug survives, 2 if one no longer applies or does not build.

    make mutation-semantic        (or: scripts/mutate_semantic.py [NAME|KIND ...] for some)
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "tests/mutation/semantic-report.md"
MAKE = os.environ.get("MAKE", "make")
PYTEST = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "no:randomly"]
# A bug that makes a suite loop counts as caught, after this long.
TIMEOUT = 900


@dataclass(frozen=True)
class Mutation:
    kind: str  # app, rust, rules, chart
    name: str
    what: str
    file: str
    old: str
    new: str


def app(name, what, file, old, new):
    return Mutation("app", name, what, f"ghcr_stats/{file}", old, new)


MUTATIONS = [
    # -- the app: only the upstream is asked ------------------------------------------------
    app("port-ignored", "a URL on the upstream's host but another port counts as the upstream",
        "urls.py", "same = (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)",
        "same = (a.scheme, a.hostname) == (b.scheme, b.hostname)"),
    app("userinfo-allowed", "`http://github.com@elsewhere/` passes as the upstream",
        "urls.py", "return same and b.username is None", "return same"),
    app("stored-url-trusted", "the URL a package was last found at is fetched without checking its host",
        "scrape.py", "if known_url and urls.on_upstream(host.settings.upstream, known_url):", "if known_url:"),
    app("resolve-checks-itself", "a next link or redirect is checked against itself, not the upstream",
        "urls.py", "if not on_upstream(upstream, url):", "if not on_upstream(url, url):"),
    app("listing-names-unchecked", "a listing's package names are kept without the name rules",
        "scrape.py", "(names if is_package(p.name) else refused).append(p.name)", "names.append(p.name)"),
    app("name-unchecked", "a one-segment package name is used without the name rules (it reaches the upstream)",
        "service.py", "return PackageRef(default_owner, check_package(decoded[0]))", "return PackageRef(default_owner, decoded[0])"),
    app("owner-not-folded", "`FluxCD` and `fluxcd` become two owners, stored and fetched twice",
        "names.py", "    return owner.lower()", "    return owner"),
    # -- promised numbers -------------------------------------------------------------------
    app("redirects-10", "up to 10 redirects are followed, not the 5 promised",
        "scrape.py", "MAX_REDIRECTS = 5", "MAX_REDIRECTS = 10"),
    app("pages-20", "a listing is cut off after 20 pages, not 50",
        "scrape.py", "MAX_PAGES = 50", "MAX_PAGES = 20"),
    app("backoff-after-2", "two failures, not three, leave the upstream alone",
        "stats.py", "FAILURES_BEFORE_BACKOFF = 3", "FAILURES_BEFORE_BACKOFF = 2"),
    app("stale-max-age-300", "a stale answer may be kept 300 s, not 60",
        "service.py", "STALE_MAX_AGE = 60", "STALE_MAX_AGE = 300"),
    app("default-backoff-30", "a 429 without Retry-After leaves the upstream alone 30 s, not 60",
        "scrape.py", "DEFAULT_BACKOFF = 60.0", "DEFAULT_BACKOFF = 30.0"),
    app("others-full-budget", "other owners' reads may spend the whole upstream budget, not half",
        "stats.py", "limit = s.upstream_budget if owner == s.owner else s.upstream_budget // 2", "limit = s.upstream_budget"),
    app("retry-after-uncapped", "a 429's Retry-After is honoured past max_backoff",
        "stats.py", "wait = min(seconds, float(self.host.settings.max_backoff))", "wait = float(seconds)"),
    app("retry-after-date-ignored", "a Retry-After given as an HTTP date is ignored (the default wait)",
        "scrape.py", "return max(0.0, parsedate_to_datetime(value).timestamp() - now)", "return DEFAULT_BACKOFF"),
    app("history-unbounded", "the history keeps every measurement, past history_limit",
        "store.py", "for p in points[-self.history_limit:]]", "for p in points]"),
    # -- caching and answers ----------------------------------------------------------------
    app("max-age-past-ttl", "max-age is not capped at the TTL when the clock went back",
        "ready.py", "return min(ttl, max(0, int(ttl - (now - read_at))))", "return max(0, int(ttl - (now - read_at)))"),
    app("future-value-fresh", "a value read \"in the future\" (the clock went back) counts as fresh",
        "stats.py", "if stored is not None and 0 <= now - stored.fetched_at < ttl:", "if stored is not None and now - stored.fetched_at < ttl:"),
    app("weak-etag-unmatched", "If-None-Match with the weak ETag the app sent never matches",
        "service.py", "etag.removeprefix(\"W/\") in tags", "etag in tags"),
    app("head-with-body", "HEAD answers carry the body",
        "service.py", "    if request.method == \"HEAD\":\n        response = Response(response.status, response.headers, b\"\")",
        "    if False:\n        response = Response(response.status, response.headers, b\"\")"),
    app("no-vary", "pages that differ by Accept lack `Vary: Accept`",
        "service.py", "        response.headers[\"vary\"] = \"Accept\"", "        pass"),
    app("badge-errors-as-json", "a badge's error is JSON, not an SVG (a typo in the format's name)",
        "service.py", "    if form == \"badge\":", "    if form == \"badges\":"),
    app("forwarded-always", "X-Forwarded-Host is believed without the setting",
        "service.py", "forwarded = forwarded_headers == \"trust\"", "forwarded = True"),
    app("other-owners-served", "other owners' owner-wide views are served whatever other_owners says",
        "service.py", "c.host.settings.other_owners != \"all\":", "c.host.settings.other_owners == \"none\":"),
    # -- answers kept ready ----------------------------------------------------------------
    app("kept-past-ttl", "an answer kept ready is sent after the values it was made from went stale",
        "ready.py", "return self.fresh_from <= now < self.fresh_until and", "return self.fresh_from <= now and"),
    app("kept-after-change", "a new measurement leaves the answers kept ready in place",
        "store.py", "        self._remember(ref)\n        ready.forget(self.kv)\n        return m", "        self._remember(ref)\n        return m"),
    app("kept-across-a-race", "an answer made while another replica changed the store is kept",
        "ready.py", "        if generation(kv) != seen:", "        if False:"),
    app("kept-any-spelling", "every spelling of a path gets a key of its own",
        "service.py", "    if not all(_spelled_once(s) for s in incoming.segments):\n        return None\n", ""),
    # -- failures and what feeds the alerts --------------------------------------------------
    app("404-counted", "a 404 met while refreshing a package counts as a failed read in /metrics",
        "stats.py", "            except NotFound:\n                self.memory.found_missing(key)\n            except AppError as e:",
        "            except AppError as e:"),
    app("rounded-total-fell", "a rounded total below an exact one is flagged as fallen",
        "store.py", "fell = m.page.total_exact and any(p.total > total for p in points)", "fell = any(p.total > total for p in points)"),
    app("metrics-all-owners", "/metrics shows other owners' packages whatever other_owners says",
        "stats.py", "if ref.owner == s.owner or s.other_owners == \"all\"", "if True"),
    app("404-never-forgotten", "a 404 is remembered for max_backoff, not the TTL",
        "stats.py", "if not 0 <= now - (since := self.store.missing_since(key)) < ttl:",
        "if not 0 <= now - (since := self.store.missing_since(key)) < self.host.settings.max_backoff:"),
    app("refusal-spends-budget", "a request the budget refuses still counts against it",
        "stats.py", "            self.store.unspend(key)\n", ""),
    app("stale-not-refreshed", "a stale value is served but never refreshed behind the answer",
        "stats.py", "            self._claim_behind(source)\n        except StoreError as e:\n            return _unwritable(e)",
        "            pass\n        except StoreError as e:\n            return _unwritable(e)"),
    app("healthz-reads-only", "/healthz answers ok without writing to the store",
        "service.py", "        c.stats.store.probe(c.now)", "        c.stats.store.index()"),
    app("unreadable-history-overwritten", "a history that does not decode is begun anew without being kept aside",
        "store.py", "            self._keep_aside(keys.history(ref), m.fetched_at)\n", "            pass\n"),
    app("bad-value-is-500", "a stored value of the wrong shape raises instead of counting as absent",
        "store.py", "except (KeyError, TypeError, ValueError, AttributeError) as e:", "except (KeyError, ValueError) as e:"),
    app("truncated-accepted", "a page cut short before </html> is parsed",
        "scrape.py", "    if b\"</html>\" not in r.body[-4096:].lower():", "    if False:"),
    app("period-rolls", "the schedule's period is the last refresh_interval, not the current one",
        "stats.py", "since = now - now % s.refresh_interval", "since = now - s.refresh_interval"),
    # -- what is shown ----------------------------------------------------------------------
    app("display-unescaped", "GitHub's display value reaches the owner page's HTML unescaped",
        "render/dashboard.py", "title=\"{escape(page.display_total)}\"", "title=\"{page.display_total}\""),
    app("error-page-unescaped", "an error's message (it can quote the path) reaches the HTML error page unescaped",
        "render/layout.py", "<p class=\"err\">{escape(message)}</p>", "<p class=\"err\">{message}</p>"),
    app("metrics-newline-unescaped", "a newline in a label value breaks the /metrics exposition",
        "render/metrics.py", ".replace(\"\\n\", r\"\\n\")", ""),
    app("deltas-from-fallen", "after a total fell, a day's downloads count from the fallen total",
        "history.py", "highest = total if highest is None else max(highest, total)", "highest = total"),
    app("csv-first-row-added", "the CSV's first row shows its whole total as added",
        "render/history_csv.py", "\"\" if previous is None else p.total - previous", "p.total - (previous or 0)"),
    # -- the parser crate (components/html-parser/src) ------------------------------------
    Mutation(
        "rust", "admits-boundary", "a rounded total admits an exact count a whole step away (`<` to `<=`)",
        "components/html-parser/src/count.rs",
        "self.value.abs_diff(exact) < self.step",
        "self.value.abs_diff(exact) <= self.step",
    ),
    Mutation(
        "rust", "next-page-off-by-one", "a listing's next page is taken to be the one after the next",
        "components/html-parser/src/pagination.rs",
        "if page_number(&href) == Some(current + 1) {",
        "if page_number(&href) == Some(current + 2) {",
    ),
    Mutation(
        "rust", "duplicate-bars-allowed", "two chart bars for one day are no longer an error",
        "components/html-parser/src/package_page.rs",
        "daily.windows(2).find(|w| w[0].date == w[1].date)",
        "daily.windows(2).find(|w| w[0].date == w[1].date && false)",
    ),
    Mutation(
        "rust", "chart-depth-off-by-one", "the 30-day chart's svg closes one level off",
        "components/html-parser/src/package_page.rs",
        "self.chart = if depth == 1 { Chart::Done } else { Chart::In(depth - 1) };",
        "self.chart = if depth == 2 { Chart::Done } else { Chart::In(depth - 1) };",
    ),
    Mutation(
        "rust", "chart-label-reset-dropped", "text between the chart's label and an svg no longer unlabels it",
        "components/html-parser/src/package_page.rs",
        "// Text between the chart's label and an svg: that svg is not the chart.\n            self.chart = Chart::Unseen;",
        "// Text between the chart's label and an svg: that svg is not the chart.",
    ),
    Mutation(
        "rust", "chart-date-off-by-one", "a chart bar's date wants its second dash one place late",
        "components/html-parser/src/package_page.rs",
        "if i == 4 || i == 7 { c == b'-' }",
        "if i == 4 || i == 8 { c == b'-' }",
    ),
    Mutation(
        "rust", "total-label-substring", "any text containing \"Total downloads\" counts as the label",
        "components/html-parser/src/package_page.rs",
        "if text_is(raw, TOTAL_LABEL) {",
        "if raw.contains(TOTAL_LABEL) {",
    ),
    Mutation(
        "rust", "label-reference-reject", "a label starting with a character reference is rejected unread",
        "components/html-parser/src/content.rs",
        "if first != b'&' && !first.eq_ignore_ascii_case(&label.as_bytes()[0]) {",
        "if !first.eq_ignore_ascii_case(&label.as_bytes()[0]) {",
    ),
    Mutation(
        "rust", "content-keeps-raw-text", "script and style content reaches the extractors as text",
        "components/html-parser/src/content.rs",
        "Token::RawText(_) | Token::Comment(_) | Token::Doctype(_) => continue,",
        "Token::RawText(t) => Node::Text(t),\n                Token::Comment(_) | Token::Doctype(_) => continue,",
    ),
    Mutation(
        "rust", "template-depth-off-by-one", "the first level of `<template>` content is rendered",
        "components/html-parser/src/content.rs",
        "if self.template == 0 {",
        "if self.template <= 1 {",
    ),
    Mutation(
        "rust", "script-not-raw-text", "the tokenizer reads `<script>` content as markup",
        "components/html-parser/src/tokenizer.rs",
        '["script", "style",',
        '["scripx", "style",',
    ),
    Mutation(
        "rust", "count-overflow-unchecked", "a count past u64::MAX wraps instead of failing",
        "components/html-parser/src/count.rs",
        "n = n.checked_mul(10).and_then(|n| n.checked_add((c - b'0') as u64)).ok_or(CountError::Overflow)?;",
        "n = n.wrapping_mul(10).wrapping_add((c - b'0') as u64);",
    ),
    Mutation(
        "rust", "record-fields-swapped", "the package page's record gets the repository where last-published goes, and back",
        "components/html-parser/src/package_page.rs",
        "last_published,\n            repository: self.repository.map(Cow::into_owned),",
        "last_published: self.repository.map(Cow::into_owned),\n            repository: last_published,",
    ),
    Mutation(
        "rust", "missing-count-bad-value", "a version row without a count is skipped as a `bad-value`, not `not-found`",
        "components/html-parser/src/version_rows.rs",
        "(None, None) => self.skipped.push(ParseError::NotFound(",
        "(None, None) => self.skipped.push(ParseError::BadValue(",
    ),
    # -- the alert rules ----------------------------------------------------------------------
    Mutation("rules", "no-read-12h", "the no-successful-read alert waits 12 hours, not 6",
             "deploy/prometheus/ghcr-stats.rules.yaml", "ghcr_stats_last_success_timestamp_seconds > 6 * 3600",
             "ghcr_stats_last_success_timestamp_seconds > 12 * 3600"),
    Mutation("rules", "failing-counts-reasons", "UpstreamFailing counts failure reasons, not packages (two reasons, one package, count twice)",
             "deploy/prometheus/ghcr-stats.rules.yaml",
             "count by (owner) (count by (owner, package) (owner_package_reason:ghcr_stats_fetch_failures:recent2h{reason!~\"parse-.*\"}))",
             "count by (owner) (owner_package_reason:ghcr_stats_fetch_failures:recent2h{reason!~\"parse-.*\"})"),
    Mutation("rules", "failing-counts-parse", "UpstreamFailing counts parse failures too",
             "deploy/prometheus/ghcr-stats.rules.yaml", "recent2h{reason!~\"parse-.*\"}", "recent2h"),
    Mutation("rules", "page-changed-2h", "PageChanged must hold for 2 hours, not 15 minutes",
             "deploy/prometheus/ghcr-stats.rules.yaml", "        for: 15m\n", "        for: 2h\n"),
    Mutation("rules", "first-failure-missed", "a failure counter's first sample is not seen as a recent failure",
             "deploy/prometheus/ghcr-stats.rules.yaml",
             "          increase(ghcr_stats_fetch_failures_total[2h]) > 0\n            or (ghcr_stats_fetch_failures_total unless ghcr_stats_fetch_failures_total offset 2h)",
             "          increase(ghcr_stats_fetch_failures_total[2h]) > 0"),
    Mutation("rules", "field-lost-90", "PageFieldLost fires at 90% of the pages, not half",
             "deploy/prometheus/ghcr-stats.rules.yaml",
             "/ on (owner) group_left count by (owner) (ghcr_stats_downloads_total) > 0.5",
             "/ on (owner) group_left count by (owner) (ghcr_stats_downloads_total) > 0.9"),
    # -- the chart ----------------------------------------------------------------------------
    Mutation("chart", "source-ranges-dropped", "the LoadBalancer's source ranges are not rendered",
             "helm/ghcr-stats/templates/service.yaml", "  loadBalancerSourceRanges:\n", "  ignoredSourceRanges:\n"),
    Mutation("chart", "redis-policy-any-pod", "the Redis NetworkPolicy admits every pod, not only the app's",
             "helm/ghcr-stats/templates/redis-networkpolicy.yaml",
             "        - podSelector:\n            matchLabels:\n              {{- include \"ghcr-stats.app.selectorLabels\" . | nindent 14 }}",
             "        - podSelector: {}"),
    Mutation("chart", "redis-service-port", "the Redis Service listens on 6380",
             "helm/ghcr-stats/templates/redis-service.yaml", "      port: 6379", "      port: 6380"),
    Mutation("chart", "helm-test-livez", "`helm test` asks /livez, which answers without the store",
             "helm/ghcr-stats/templates/tests/test-connection.yaml", "}}/healthz\"", "}}/livez\""),
    Mutation("chart", "liveness-healthz", "the liveness probe asks /healthz: a full store restarts every replica",
             "helm/ghcr-stats/values.yaml", "  liveness:\n    httpGet:\n      path: /livez", "  liveness:\n    httpGet:\n      path: /healthz"),
    Mutation("chart", "collect-get", "the schedule's CronJob asks with GET, which /refresh refuses",
             "helm/ghcr-stats/templates/collect-cronjob.yaml", "                - POST\n", "                - GET\n"),
]


def run(argv: list[str]) -> tuple[bool, str]:
    """(passed, the output's last lines); a run past TIMEOUT fails."""
    try:
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIMEOUT} s"
    lines = (done.stdout + done.stderr).strip().splitlines()
    # The test that failed, where pytest names it; else the output's last lines.
    failed = [line.split(" - ")[0].split(" ", 1)[1] for line in lines if line.startswith(("FAILED ", "ERROR "))]
    return done.returncode == 0, failed[0] if failed else " / ".join(lines[-2:])


def check_applies(m: Mutation) -> str:
    n = (ROOT / m.file).read_text().count(m.old)
    return "" if n == 1 else f"{m.name}: its text is found {n} times in {m.file}, not once"


# (suite, command) in the order a bug meets them; a later one runs only if the earlier missed.
SUITES = {
    "app": [("fast", PYTEST + ["tests/unit", "tests/service"]), ("build", [MAKE, "-s", "build", "build-test"]), ("e2e", PYTEST + ["tests/e2e"])],
    "rust": [("cargo", [MAKE, "-s", "test-rust"]), ("build", [MAKE, "-s", "build/html-parser.wasm"]), ("parser", PYTEST + ["tests/parser"])],
    "rules": [("promtool", PYTEST + ["tests/monitoring"])],
    "chart": [("chart", PYTEST + ["tests/chart"])],
}
REBUILD = {"app": [MAKE, "-s", "build", "build-test"], "rust": [MAKE, "-s", "build/html-parser.wasm"]}


def try_mutation(m: Mutation) -> dict:
    """{"caught_by": the suite that failed, or None; "error": why it could not be tried}."""
    path = ROOT / m.file
    original = path.read_text()
    try:
        path.write_text(original.replace(m.old, m.new, 1))
        for suite, argv in SUITES[m.kind]:
            ok, out = run(argv)
            if suite == "build":
                if not ok:
                    return {"mutation": m, "error": f"does not build: {out}"}
                continue
            if not ok:
                return {"mutation": m, "caught_by": suite, "out": out}
        return {"mutation": m, "caught_by": None}
    finally:
        path.write_text(original)


def report(results: list[dict], runs: list[str]) -> str:
    caught = [r for r in results if r.get("caught_by")]
    survived = [r for r in results if "error" not in r and not r.get("caught_by")]
    errors = [r for r in results if "error" in r]
    lines = [
        "# Hand-written bugs and the suites that catch them",
        "",
        "The last run of `make mutation-semantic` (`scripts/mutate_semantic.py`): each bug applied",
        "alone, then the suites of its kind in order until one fails (see the script's docstring);",
        "the plan, what each bug is and why a developer might write it, is the script's list.",
        "",
        f"{len(results)} bugs: {len(caught)} caught ({100 * len(caught) / max(1, len(results) - len(errors)):.0f}%), "
        f"{len(survived)} survived, {len(errors)} did not apply or build. " + "; ".join(runs) + ".",
        "",
        "| bug | kind | file | what it breaks | caught by |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        m = r["mutation"]
        if "error" in r:
            verdict = "error: " + r["error"].replace("|", "\\|")
        else:
            verdict = f"{r['caught_by']}: `{r['out']}`" if r["caught_by"] else "**survived**"
        lines.append(f"| `{m.name}` | {m.kind} | `{m.file}` | {m.what} | {verdict} |")
    return "\n".join(lines) + "\n"


def main(args: list[str]) -> int:
    if args[:1] == ["--report"]:
        return write_report(args[1:])
    check, fast = "--check" in args, "--fast" in args
    names = [a for a in args if a not in ("--check", "--fast")]
    chosen = [m for m in MUTATIONS if not names or m.name in names or m.kind in names]
    unknown = set(names) - {m.name for m in MUTATIONS} - {m.kind for m in MUTATIONS}
    problems = [p for p in map(check_applies, chosen) if p] + [f"no bug or kind named {n}" for n in sorted(unknown)]
    if problems or check:
        print("\n".join(problems) or f"all {len(chosen)} apply", file=sys.stderr)
        return 2 if problems else 0
    if fast:  # the app's bugs meet the fast suites only
        SUITES["app"] = SUITES["app"][:1]
    start, results, load = time.monotonic(), [], os.getloadavg()[0]
    rebuilt = True
    try:
        for m in chosen:
            print(f"{m.name} ({m.file}) ...", end=" ", flush=True)
            r = try_mutation(m)
            results.append(r)
            print(f"error: {r['error']}" if "error" in r else f"caught by {r['caught_by']}: {r['out']}" if r["caught_by"] else "SURVIVED", flush=True)
    finally:
        # The sources are back as they were; so must be what was built from them.
        for kind in sorted({m.kind for m in chosen} & set(REBUILD)):
            ok, out = run(REBUILD[kind])
            if not ok:
                rebuilt = False
                print(f"rebuilding clean after the {kind} bugs failed: {out}", file=sys.stderr)
    run_line = f"run: {time.monotonic() - start:.0f} s, load average {load:.1f} before, {os.getloadavg()[0]:.1f} after"
    print(run_line + (" (fast suites only for the app's bugs)" if fast else ""))
    if not names and not fast:
        REPORT.write_text(report(results, [run_line]))
        print(f"wrote {REPORT.relative_to(ROOT)}")
    if any("error" in r for r in results) or not rebuilt:
        return 2
    return 1 if any(not r.get("caught_by") for r in results) else 0


def write_report(logs: list[str]) -> int:
    """The report from the output of runs of some bugs each (run side by side, say); a bug run
    again in a later log takes its verdict from there."""
    by_name, results, runs = {m.name: m for m in MUTATIONS}, {}, []
    for log in logs:
        for line in Path(log).read_text().splitlines():
            if line.startswith("run: "):
                runs.append(line)
            elif (found := re.match(r"(\S+) \((\S+)\) \.\.\. (.*)$", line)) and found[1] in by_name:
                verdict, m = found[3], by_name[found[1]]
                if verdict.startswith("error: "):
                    results[m.name] = {"mutation": m, "error": verdict[7:]}
                elif (caught := re.match(r"caught by (\w+): (.*)$", verdict)):
                    results[m.name] = {"mutation": m, "caught_by": caught[1], "out": caught[2]}
                else:
                    results[m.name] = {"mutation": m, "caught_by": None}
    REPORT.write_text(report([results[m.name] for m in MUTATIONS if m.name in results], runs))
    print(f"wrote {REPORT.relative_to(ROOT)}: {len(results)} bugs")
    return 0


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    # A `kill` must restore the source too: as an exception, it runs the `finally`s.
    signal.signal(signal.SIGTERM, interrupted)
    sys.exit(main(sys.argv[1:]))
