/// The console's actions: the forms and buttons that act through the
/// control API (`ConsoleScript.text` appends them to the rest).
extension ConsoleScript {
    static let actions = #"""
          // MARK: Actions

          /** The whole number in `input` from `min` to `max`, or null after saying what is wrong in `resultId`. */
          function whole(input, min, max, resultId) {
            const value = Number(input.value);
            const valid = input.value.trim() !== "" && Number.isInteger(value) && value >= min && value <= max;
            input.setAttribute("aria-invalid", valid ? "false" : "true");
            if (!valid) {
              const field = input.closest("label").firstChild.textContent.trim();
              show(resultId, t("badNumber", { field, min, max }), true);
              return null;
            }
            return value;
          }

          /** Runs `action`, a control call, and shows in `resultId` the text it
           * answers ("Done." for any other answer) or why it failed. */
          async function act(resultId, action) {
            try {
              const said = await action();
              show(resultId, typeof said === "string" && said !== "" ? said : t("done"));
            } catch (error) {
              show(resultId, t("refused", { reason: error.message }), true);
            }
            refresh();
          }

          function showFieldsForMode() {
            const mode = byId("fault-mode").value;
            for (const label of document.querySelectorAll("[data-for-modes]")) {
              label.hidden = !label.dataset.forModes.split(" ").includes(mode);
            }
          }

          byId("fault-mode").addEventListener("change", showFieldsForMode);
          showFieldsForMode();

          byId("fault-form").addEventListener("submit", (event) => {
            event.preventDefault();
            const path = byId("fault-path").value.trim();
            byId("fault-path").setAttribute("aria-invalid", path.startsWith("/") ? "false" : "true");
            if (!path.startsWith("/")) {
              show("fault-result", t("badPath"), true);
              return;
            }
            const mode = byId("fault-mode").value;
            const fault = { method: byId("fault-method").value, path, mode };
            fault.count = whole(byId("fault-count"), 1, 100000, "fault-result");
            if (fault.count === null) return;
            const extras = { rateLimited: ["retryAfter", "fault-retry-after", 0, 86400],
              unavailable: ["retryAfter", "fault-retry-after", 0, 86400], delay: ["delayMs", "fault-delay", 0, 600000],
              status: ["status", "fault-status", 400, 599] };
            if (extras[mode]) {
              const [name, id, min, max] = extras[mode];
              fault[name] = whole(byId(id), min, max, "fault-result");
              if (fault[name] === null) return;
            }
            act("fault-result", () => call("POST", "faults", fault));
          });

          byId("clear-faults").addEventListener("click", () => act("fault-result", () => call("DELETE", "faults")));

          byId("clock-form").addEventListener("submit", (event) => {
            event.preventDefault();
            const days = whole(byId("clock-days"), 0, 3650, "clock-result");
            if (days === null) return;
            const hours = whole(byId("clock-hours"), 0, 87600, "clock-result");
            if (hours === null) return;
            act("clock-result", async () => {
              const clock = await call("POST", "clock", { advanceSeconds: days * 86400 + hours * 3600 });
              renderClock(clock);
              return date(clock.now);
            });
          });

          byId("run-job").addEventListener("click", () => act("job-result", async () => {
            const answer = await call("POST", "deletion-job");
            return answer.finalized.length > 0 ? t("jobFinalized", { ids: answer.finalized.join(", ") }) : t("jobNothing");
          }));

          byId("finalize-now").addEventListener("change", (event) => {
            flagBusy = true;
            act("flag-result", () => call("PUT", "flags", { finalizeNow: event.target.checked }))
              .finally(() => { flagBusy = false; });
          });

          // The token of the user made last: kept here only, never in the page,
          // which shows its last four characters.
          let madeToken = null;

          byId("user-form").addEventListener("submit", (event) => {
            event.preventDefault();
            const body = { backend: byId("user-backend").value };
            const username = byId("user-username").value.trim();
            if (username !== "") body.username = username;
            act("user-result", async () => {
              const answer = await call("POST", "users", body);
              madeToken = answer.token;
              byId("copy-token").disabled = false;
              show("copy-result", "");
              return t("made", { id: answer.user.id, last: "…" + answer.token.slice(-4) });
            });
          });

          byId("copy-token").addEventListener("click", async () => {
            try {
              if (!navigator.clipboard) throw new Error("navigator.clipboard");
              await navigator.clipboard.writeText(madeToken);
              show("copy-result", t("copied"));
            } catch (error) {
              show("copy-result", t("copyFailed", { reason: error.message }), true);
            }
          });

          byId("clear-log").addEventListener("click", async () => {
            try {
              await call("DELETE", "requests");
            } catch (error) {
              show("status", t("refused", { reason: error.message }), true);
              return;
            }
            for (const { row } of requests.rows.values()) row.remove();
            requests.rows.clear();
            byId("no-requests").hidden = false;
          });

          refresh();
        })();

        """#
}
