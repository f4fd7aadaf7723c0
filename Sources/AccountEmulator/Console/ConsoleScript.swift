/// The console's script, served as a file of its own (the policy allows
/// no inline script), in strict mode.
enum ConsoleScript {
    /// The whole script, its parts in order.
    static let text = view + actions

    /// Everything but the actions: the texts, the elements, the accounts,
    /// the request and mutation logs, the clock and faults, the polling.
    static let view = #"""
        "use strict";

        // The AccountCore emulator's console: it reads the control API every second
        // and acts through it. Everything shown is put in with textContent, never
        // as HTML: paths and headers come from any client and are shown as sent.
        (() => {
          const data = JSON.parse(document.getElementById("console-data").textContent);
          const texts = data.texts;
          const language = document.documentElement.lang;
          const api = "/__emulator/";
          const pollMilliseconds = 1000;
          const maxRows = 500;
          const numbers = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
          const dates = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

          const byId = (id) => document.getElementById(id);

          /** The text of `key`, its `{name}` placeholders filled from `values`; a
           * plural text takes its form from `values.count`. */
          function t(key, values = {}) {
            let text = texts[key];
            if (text === undefined) return key;
            if (typeof text === "object") text = values.count === 1 ? text.one : text.other;
            return text.replace(/\{(\w+)\}/g, (whole, name) => {
              if (!(name in values)) return whole;
              const value = values[name];
              return typeof value === "number" ? numbers.format(value) : String(value);
            });
          }

          /** A new element: `class`, `text` and `data-*`/ARIA attributes by name, other properties set. */
          function el(tag, properties = {}, ...children) {
            const node = document.createElement(tag);
            for (const [name, value] of Object.entries(properties)) {
              if (value === undefined || value === null) continue;
              if (name === "class") node.className = value;
              else if (name === "text") node.textContent = value;
              else if (name.startsWith("data-") || name.startsWith("aria-") || name === "title" || name === "datetime") {
                node.setAttribute(name, value);
              } else node[name] = value;
            }
            for (const child of children) {
              if (child !== null && child !== undefined) node.append(child);
            }
            return node;
          }

          const date = (iso) => (iso ? dates.format(new Date(iso)) + " UTC" : "–");
          const clockTime = (iso) => (iso ? iso.slice(11, 23) : "–");

          /** One control call; the answer's JSON, or an Error with the emulator's reason.
              A call that changes something is JSON, body or not: the emulator refuses any other type (415). */
          async function call(method, path, body) {
            const init = { method, cache: "no-store", headers: {} };
            if (method !== "GET") init.headers["Content-Type"] = "application/json";
            if (body !== undefined) init.body = JSON.stringify(body);
            const response = await fetch(api + path, init);
            let json = null;
            try {
              json = await response.json();
            } catch (error) {
              json = null;
            }
            if (!response.ok) throw new Error(json && json.error ? json.error : "HTTP " + response.status);
            return json;
          }

          function show(id, text, failed = false) {
            const node = byId(id);
            node.textContent = text;
            node.classList.toggle("error", failed);
          }

          // MARK: Accounts

          function deletionCell(user) {
            const deletion = user.deletion;
            const cell = el("td", { class: "deletion" },
              el("span", { class: "badge state state-" + deletion.status, text: t("state." + deletion.status) }));
            if (deletion.status === "pending") {
              const left = user.daysLeft;
              cell.append(el("span", { class: "countdown", text: left > 0 ? t("daysLeft", { count: left }) : t("due") }));
              let how;
              if (deletion.cancellation === "notCancellable") how = t("notCancellable");
              else if (deletion.cancellation === "login") how = t("cancelByLogin");
              else if (deletion.canCancelUntil) how = t("cancelUntil", { date: date(deletion.canCancelUntil) });
              if (how) cell.append(el("span", { class: "sub", text: how }));
            } else if (deletion.status === "finalized" && deletion.finalizedAt) {
              cell.append(el("span", { class: "sub", text: t("finalizedAt", { date: date(deletion.finalizedAt) }) }));
            }
            return cell;
          }

          function goneText(user) {
            const deletion = user.deletion;
            const erasure = deletion.cancellation === "notCancellable";
            if (user.deleted) return erasure ? t("erased") : deletion.wipe ? t("wiped") : t("deleted");
            if (deletion.status === "pending") return erasure ? t("willErase") : deletion.wipe ? t("willWipe") : "–";
            return "–";
          }

          function renameText(user, now) {
            if (!user.username || user.deleted) return "–";
            const next = user.nextRenameAllowedAt;
            return next && Date.parse(next) > Date.parse(now) ? date(next) : t("renameNow");
          }

          function accountRow(user, now) {
            const who = user.email || [user.firstName, user.lastName].filter(Boolean).join(" ");
            return el("tr", { "data-user": user.id },
              el("td", { class: "user" }, el("code", { text: user.id }), who ? el("span", { class: "sub", text: who }) : null),
              el("td", { class: "username", text: user.username || "–" }),
              deletionCell(user),
              el("td", { class: "locked", text: user.deletion.isLocked ? t("yes") : t("no") }),
              el("td", { class: "rename", text: renameText(user, now) }),
              el("td", { class: "gone", text: goneText(user) }));
          }

          function renderAccounts(answer) {
            const groups = new Map();
            for (const user of answer.users) {
              if (!groups.has(user.backend)) groups.set(user.backend, []);
              groups.get(user.backend).push(user);
            }
            const parts = [];
            for (const [backend, users] of groups) {
              const head = el("tr", {}, ...["column.user", "column.username", "column.deletion", "column.locked",
                "column.nextRename", "column.gone"].map((key) => el("th", { text: t(key) })));
              parts.push(el("h3", { class: "backend-name", text: data.backends[backend] || backend }),
                el("table", { "data-backend": backend }, el("thead", {}, head),
                  el("tbody", {}, ...users.map((user) => accountRow(user, answer.now)))));
            }
            if (parts.length === 0) parts.push(el("p", { class: "empty", text: t("noAccounts") }));
            byId("account-tables").replaceChildren(...parts);
          }

          // MARK: Request log

          // Each row shown, by sequence number, with the JSON it was made from.
          const requests = { after: 0, rows: new Map() };

          function statusBadge(entry) {
            if (entry.status !== null) {
              return el("span", { class: "badge status status-" + String(entry.status)[0] + "xx", text: String(entry.status) });
            }
            if (entry.latencyMs === null) return el("span", { class: "badge answering", text: t("answering") });
            return el("span", { class: "badge dropped", text: t("dropped") });
          }

          function requestRow(entry) {
            const headers = el("dl");
            for (const [name, value] of entry.headers) headers.append(el("dt", { text: name }), el("dd", { text: value }));
            return el("tr", { "data-seq": String(entry.seq) },
              el("td", { class: "time", text: clockTime(entry.at), title: entry.at }),
              el("td", { class: "method", text: entry.method }),
              el("td", { class: "path" }, el("code", { text: entry.path })),
              el("td", { class: "status" }, statusBadge(entry)),
              el("td", { class: "latency number", text: entry.latencyMs === null ? "–" : numbers.format(entry.latencyMs) + " ms" }),
              el("td", { class: "connection number", text: "#" + entry.connectionId }),
              el("td", { class: "key" }, entry.idempotencyKey ? el("code", { text: entry.idempotencyKey }) : "–",
                entry.replayed ? el("span", { class: "badge replayed", text: t("replayed") }) : null),
              el("td", { class: "headers" }, el("details", {},
                el("summary", { text: t("headerCount", { count: entry.headers.length }) }), headers)));
          }

          /** Shows `entries`, the log after `requests.after`: new rows on top, rows
           * answered since replaced; a row the emulator no longer has goes. */
          function mergeRequests(entries, asked) {
            const body = byId("request-rows");
            const seen = new Set(entries.map((entry) => entry.seq));
            for (const [seq, shown] of requests.rows) {
              if (seq > asked && !seen.has(seq)) {
                shown.row.remove();
                requests.rows.delete(seq);
              }
            }
            for (const entry of entries) {
              const json = JSON.stringify(entry);
              const old = requests.rows.get(entry.seq);
              if (old && old.json === json) continue;
              const row = requestRow(entry);
              if (old) {
                old.row.replaceWith(row);
              } else {
                row.classList.add("fresh");
                body.prepend(row);
              }
              requests.rows.set(entry.seq, { row, json });
            }
            while (requests.rows.size > maxRows) {
              const oldest = Math.min(...requests.rows.keys());
              requests.rows.get(oldest).row.remove();
              requests.rows.delete(oldest);
            }
            // Ask again from the first request still being answered.
            const open = entries.filter((entry) => entry.latencyMs === null).map((entry) => entry.seq);
            const last = entries.length > 0 ? entries[entries.length - 1].seq : asked;
            requests.after = open.length > 0 ? Math.min(...open) - 1 : Math.max(asked, last);
            byId("no-requests").hidden = requests.rows.size > 0;
          }

          // MARK: Mutation log

          const mutations = { after: 0, count: 0 };

          function mergeMutations(entries) {
            const body = byId("mutation-rows");
            for (const entry of entries) {
              body.prepend(el("tr", { class: "fresh", "data-seq": String(entry.seq) },
                el("td", { class: "number", text: String(entry.seq) }),
                el("td", { class: "time", text: clockTime(new Date(entry.at).toISOString()) }),
                el("td", { text: data.backends[entry.backend] || entry.backend }),
                el("td", {}, el("code", { text: entry.userId })),
                el("td", { class: "action" }, el("code", { text: entry.action })),
                el("td", { class: "path" }, el("code", { text: entry.method + " " + entry.path })),
                el("td", { class: "key" }, entry.idempotencyKey ? el("code", { text: entry.idempotencyKey }) : "–")));
              mutations.after = Math.max(mutations.after, entry.seq);
              mutations.count += 1;
            }
            while (body.rows.length > maxRows) body.lastElementChild.remove();
            byId("no-mutations").hidden = mutations.count > 0;
          }

          // MARK: Clock, faults, flags

          function renderClock(clock) {
            byId("clock-now").textContent = date(clock.now);
            byId("clock-now").setAttribute("datetime", clock.now);
            const days = Math.round((clock.offsetSeconds / 86400) * 10) / 10;
            byId("clock-offset").textContent = days > 0 ? t("clockAhead", { count: days }) : "";
          }

          function renderFaults(faults) {
            const items = faults.map((fault) => el("li", {}, t("faultLeft", {
              method: fault.method, path: fault.path, mode: data.modes[fault.mode] || fault.mode, count: fault.remaining,
            })));
            if (items.length === 0) items.push(el("li", { class: "none", text: t("noFaults") }));
            byId("fault-list").replaceChildren(...items);
          }

          let flagBusy = false;
          function renderFlags(flags) {
            if (!flagBusy) byId("finalize-now").checked = flags.finalizeNow;
          }

          // MARK: Polling

          let timer = null;
          let running = false;
          let again = false;

          async function poll() {
            const askedRequests = requests.after;
            const [users, log, changes, faults, clock, flags] = await Promise.all([
              call("GET", "users"), call("GET", "requests?after=" + askedRequests),
              call("GET", "mutations?after=" + mutations.after), call("GET", "faults"), call("GET", "clock"), call("GET", "flags"),
            ]);
            renderClock(clock);
            renderAccounts(users);
            mergeRequests(log.requests, askedRequests);
            mergeMutations(changes.mutations);
            renderFaults(faults.faults);
            renderFlags(flags);
          }

          /** Reads everything now (or right after the read under way), then every
           * second while the page is seen; a hidden page reads again when shown. */
          function refresh() {
            if (running) {
              again = true;
              return;
            }
            clearTimeout(timer);
            running = true;
            poll().then(() => {
              show("status", t("live", { time: new Date().toLocaleTimeString(language) }));
            }, (error) => {
              show("status", t("unreachable", { reason: error.message }), true);
            }).finally(() => {
              running = false;
              if (again) {
                again = false;
                refresh();
              } else if (!document.hidden) {
                timer = setTimeout(refresh, pollMilliseconds);
              }
            });
          }

          document.addEventListener("visibilitychange", () => {
            if (!document.hidden) refresh();
          });


        """#
}
