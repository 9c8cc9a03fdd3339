#!/usr/bin/env python3
"""repl_drive.py: drive a line REPL on a console UART as a user at a terminal does.

Usage: repl_drive.py MODE INPUT TRANSCRIPT [--delay S] [--stop int|term] -- COMMAND [ARG...]
  pipe   COMMAND's stdin and stdout are pipes. Before each line of INPUT, wait for a
         new prompt "> " at the very end of the output (no newline after it), then
         write the line; keep the pipe open until COMMAND ends.
  pty    COMMAND (a run with --uart pty) names a pseudo-terminal /dev/pts/N on the
         first line of its stderr; the same dialogue goes over that terminal.
  close  write all of INPUT at once and close the pipe (the writer goes away early),
         then read until COMMAND ends.
  tty    COMMAND's stdin and stdout are a new terminal, its controlling one; the
         dialogue as with pipe. Afterwards the terminal's settings must be those it
         had before, else exit 98.
--delay S waits S seconds (host time) before the first line.
--stop int|term: at the first prompt, type Ctrl-C (tty) or send SIGTERM instead of
         the lines.
Everything read from the UART goes to TRANSCRIPT. Exits with COMMAND's exit status
(128 + N for signal N), or 99 when a prompt did not come within 60 s (COMMAND is
then killed).
"""
import fcntl
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time

PROMPT = b"> "
WAIT_S = 60


class Dialogue:
    def __init__(self, proc, rfd, wfd):
        self.proc, self.rfd, self.wfd = proc, rfd, wfd
        self.out = bytearray()
        self.open = True

    def read_some(self, timeout):
        """Append what the UART sent within timeout seconds; False at its end."""
        if not self.open:
            return False
        r, _, _ = select.select([self.rfd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(self.rfd, 4096)
        except OSError:  # EIO: the pty's other end is closed
            data = b""
        self.out += data
        self.open = bool(data)
        return self.open

    def wait_prompt(self, count):
        deadline = time.monotonic() + WAIT_S
        while not (self.out.count(PROMPT) >= count and self.out.endswith(PROMPT)):
            if time.monotonic() > deadline or not self.read_some(0.5):
                return False
        return True

    def drain(self):
        """Read until the end of the output, or until COMMAND ended and is silent."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if not self.read_some(0.2):
                return
            if self.proc.poll() is not None and not select.select([self.rfd], [], [], 0.2)[0]:
                return


def main(argv):
    if "--" not in argv or len(argv) < 5:
        sys.exit(__doc__)
    sep = argv.index("--")
    mode, input_path, transcript = argv[1:4]
    opts, cmd = dict(zip(argv[4:sep:2], argv[5:sep:2])), argv[sep + 1:]
    delay = float(opts.get("--delay", 0))
    stop = opts.get("--stop")
    with open(input_path, "rb") as f:
        lines = f.read().splitlines(keepends=True)

    if mode == "pty":
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        first = proc.stderr.readline().decode(errors="replace")
        sys.stderr.write(first)
        m = re.search(r"/dev/pts/[0-9]+", first)
        if not m:
            sys.stderr.write("repl_drive: no pseudo-terminal in: %s" % first)
            proc.kill()
            return 99
        fd = os.open(m.group(0), os.O_RDWR | os.O_NOCTTY)
        d = Dialogue(proc, fd, fd)
    elif mode == "tty":
        master, slave = pty.openpty()
        before = termios.tcgetattr(slave)

        def controlling_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, preexec_fn=controlling_terminal)
        d = Dialogue(proc, master, master)
    else:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        d = Dialogue(proc, proc.stdout.fileno(), proc.stdin.fileno())

    status = None
    if mode == "close":
        os.write(d.wfd, b"".join(lines))
        proc.stdin.close()
    else:
        time.sleep(delay)
        for n, line in enumerate(lines, 1):
            if not d.wait_prompt(n):
                sys.stderr.write("repl_drive: no prompt before line %d\n" % n)
                proc.kill()
                status = 99
                break
            if stop == "int":
                os.write(d.wfd, b"\x03")
                break
            if stop == "term":
                proc.send_signal(signal.SIGTERM)
                break
            os.write(d.wfd, line)
    d.drain()
    rc = proc.wait()
    if mode == "pty":
        sys.stderr.write(proc.stderr.read().decode(errors="replace"))
        os.close(d.rfd)
    elif mode == "pipe":
        proc.stdin.close()
    elif mode == "tty":
        if termios.tcgetattr(slave) != before and status is None:
            sys.stderr.write("repl_drive: the terminal's settings were not restored\n")
            status = 98
        os.close(master)
        os.close(slave)
    with open(transcript, "wb") as f:
        f.write(d.out)
    if status is None:
        status = rc if rc >= 0 else 128 - rc
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
