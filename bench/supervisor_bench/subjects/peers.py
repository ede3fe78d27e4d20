"""What supervisord and circus share: one daemon, the plan's commands and environment, a start
priority by dependency level (they start everything at once), an unmeasured stop."""

import signal
import subprocess


def ini_quote(value):
    """A value for supervisord's `environment=` (parsed with shlex): single quotes keep JSON
    (SUPERVISOR_ENDPOINTS) as it is; its parser rejects backslash-escaped double quotes."""
    text = str(value).replace("%", "%%")
    if "'" not in text:
        return "'" + text + "'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class PeerDaemon:
    proc = None
    t0 = None

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        # Its shutdown is not measured: give it 3 s, then the sweep kills what is left.
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
