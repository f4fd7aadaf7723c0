/// The console's style sheet, served as a file of its own (the policy
/// allows no inline style).
enum ConsoleStyle {
    static let text = #"""
        :root {
          --ink: #1b1f24;
          --muted: #5b6470;
          --line: #dde2e8;
          --panel: #ffffff;
          --page: #f2f4f7;
          --accent: #1d3557;
          --accent-ink: #ffffff;
          --ok: #1a7f37;
          --ok-bg: #dafbe1;
          --warn: #7d4e00;
          --warn-bg: #fff1c2;
          --bad: #b3261e;
          --bad-bg: #ffe0dd;
          --info: #5a32a3;
          --info-bg: #ece5fb;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
          font-size: 15px;
          color: var(--ink);
          background: var(--page);
        }
        * { box-sizing: border-box; }
        body { margin: 0; }
        code, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; }

        header {
          display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 2rem;
          padding: 0.9rem 1.25rem; background: var(--accent); color: var(--accent-ink);
        }
        header h1 { margin: 0; font-size: 1.25rem; font-weight: 650; }
        header .tagline { margin: 0.1rem 0 0; font-size: 0.85rem; opacity: 0.8; }
        header .brand { flex: 1 1 auto; }
        header .clock { font-variant-numeric: tabular-nums; }
        header .clock .label { opacity: 0.75; margin-right: 0.25rem; }
        header #clock-offset { display: block; font-size: 0.8rem; opacity: 0.8; }
        header a { color: var(--accent-ink); opacity: 0.75; text-decoration: none; margin-left: 0.5rem; }
        header a[aria-current] { opacity: 1; font-weight: 650; border-bottom: 2px solid var(--accent-ink); }
        #status { flex-basis: 100%; margin: 0; font-size: 0.8rem; opacity: 0.85; }
        #status.failing { opacity: 1; color: #ffd7d3; font-weight: 600; }

        main { display: flex; align-items: flex-start; gap: 1rem; padding: 1rem 1.25rem 2rem; }
        .column { flex: 1 1 auto; min-width: 0; display: flex; flex-direction: column; gap: 1rem; }
        aside { flex: 0 0 23rem; position: sticky; top: 1rem; }
        @media (max-width: 1050px) {
          main { flex-direction: column; align-items: stretch; }
          aside { flex-basis: auto; position: static; }
        }

        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 0.75rem 1rem 1rem; }
        .panel h2 { margin: 0 0 0.6rem; font-size: 1.05rem; }
        .panel h3 { margin: 0.9rem 0 0.3rem; font-size: 0.9rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
        .heading { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
        .empty { color: var(--muted); font-size: 0.9rem; margin: 0.5rem 0 0; }
        .empty[hidden] { display: none; }

        table { width: 100%; border-collapse: collapse; font-size: 0.85rem; }
        th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 0.75rem; color: var(--muted); font-weight: 600; white-space: nowrap; }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
        td .sub { display: block; color: var(--muted); font-size: 0.8em; }
        td.path, td.key { word-break: break-all; }
        tbody tr.fresh { animation: fresh 1.5s ease-out; }
        @keyframes fresh { from { background: #fff8c5; } to { background: transparent; } }

        .badge { display: inline-block; padding: 0.05rem 0.45rem; border-radius: 999px; font-size: 0.75rem; font-weight: 650; white-space: nowrap; }
        .status-2xx { color: var(--ok); background: var(--ok-bg); }
        .status-3xx, .status-4xx { color: var(--warn); background: var(--warn-bg); }
        .status-5xx, .dropped { color: var(--bad); background: var(--bad-bg); }
        .answering { color: var(--muted); background: var(--page); }
        .replayed { color: var(--info); background: var(--info-bg); margin-left: 0.3rem; }
        .state-none { color: var(--muted); background: var(--page); }
        .state-pending { color: var(--warn); background: var(--warn-bg); }
        .state-cancelled { color: var(--ok); background: var(--ok-bg); }
        .state-finalized { color: var(--bad); background: var(--bad-bg); }
        .countdown { display: block; font-weight: 650; margin-top: 0.15rem; }
        .panel h3.backend-name { margin: 0.8rem 0 0.2rem; font-size: 0.95rem; color: var(--ink); text-transform: none; letter-spacing: 0; }
        .panel h3.backend-name:first-child { margin-top: 0; }

        details summary { cursor: pointer; color: var(--muted); white-space: nowrap; }
        details dl { margin: 0.3rem 0 0; display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.1rem 0.6rem; }
        details dt { color: var(--muted); }
        details dd { margin: 0; word-break: break-all; }

        .card { border-top: 1px solid var(--line); padding-top: 0.2rem; margin-top: 0.6rem; }
        .card:first-of-type { border-top: none; margin-top: 0; }
        .card h4 { margin: 0.8rem 0 0.2rem; font-size: 0.8rem; color: var(--muted); }
        label { display: flex; flex-direction: column; gap: 0.15rem; font-size: 0.8rem; color: var(--muted); margin: 0.35rem 0; }
        label.check { flex-direction: row; align-items: center; gap: 0.4rem; color: var(--ink); font-size: 0.9rem; }
        label[hidden] { display: none; }
        .row { display: flex; gap: 0.5rem; flex-wrap: wrap; }
        .row label { flex: 1 1 6rem; }
        .row label.narrow { flex: 0 0 6.5rem; }
        .row label.wide { flex: 1 1 12rem; }
        input, select {
          font: inherit; font-size: 0.9rem; color: var(--ink); padding: 0.3rem 0.4rem;
          border: 1px solid #c3cad3; border-radius: 6px; background: #fff; min-width: 0;
        }
        input[aria-invalid="true"] { border-color: var(--bad); }
        button {
          font: inherit; font-size: 0.9rem; font-weight: 600; padding: 0.35rem 0.8rem; margin-top: 0.3rem;
          border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer;
        }
        button.secondary { background: #fff; color: var(--accent); }
        button:disabled { opacity: 0.45; cursor: default; }
        .result { min-height: 1.1em; margin: 0.3rem 0 0; font-size: 0.85rem; }
        .result.error { color: var(--bad); }
        #fault-list { margin: 0; padding-left: 1.1rem; font-size: 0.85rem; }
        #fault-list li.none { list-style: none; margin-left: -1.1rem; color: var(--muted); }

        """#
}
