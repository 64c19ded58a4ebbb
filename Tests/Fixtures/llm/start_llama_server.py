#!/usr/bin/env python3
"""Starts llama-cpp-python's OpenAI-compatible server with the test model on a free loopback port.

Run it with the venv's Python (the one `ci/install-deps.sh --llm` filled):

  .build-tools/venv/bin/python Tests/Fixtures/llm/start_llama_server.py \
      [--model PATH] [--alias NAME] [--api-key KEY] [--threads N] [--ctx N] [--chat-format F] \
      [--startup-timeout SECONDS] [--port-file FILE] [--watch-stdin] [--exit-with-parent]

It picks a free port on 127.0.0.1, starts `python -m llama_cpp.server` there, and waits until
`GET /v1/models` answers 200. Then it prints the port alone on one line of stdout (and writes it
to --port-file, atomically) and stays in the foreground until it gets SIGTERM or SIGINT, or,
with --watch-stdin, until its standard input closes, or, with --exit-with-parent, until the
process that started it dies; then it stops the server and waits for it. The server is also
killed by the kernel if this launcher dies without stopping it. The server's own log goes to
stderr.

The model file carries no chat template, so the server is told to use llama-cpp-python's
`gemma` chat format (without it, chat answers come back empty). The model is the small base
model: its answers are fluent-looking text, not reliably correct ones.

Exit status: 0 after a clean stop; 2 when the model file is missing (the message names the
install command); 1 when the server exits or does not answer within the startup timeout.
"""

import argparse
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEFAULT_MODEL = os.path.join(REPO_ROOT, ".build-tools", "models", "gemma-3-270m-q4_k_m.gguf")
INSTALL_HINT = "sh ci/install-deps.sh --llm"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port, api_key):
    request = urllib.request.Request("http://127.0.0.1:%d/v1/models" % port)
    if api_key:
        request.add_header("Authorization", "Bearer " + api_key)
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def write_atomically(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".port-")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(temp, path)


def die_with_launcher():
    """In the server process: the kernel kills it when the launcher dies (Linux prctl)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start(options, port):
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", options.model,
        "--model_alias", options.alias,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(options.ctx),
        "--n_threads", str(options.threads),
        "--chat_format", options.chat_format,
        "--verbose", "False",
    ]
    if options.api_key:
        command += ["--api_key", options.api_key]
    # The server's output goes to our stderr; our stdout carries only the port.
    return subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=sys.stderr, stderr=sys.stderr, preexec_fn=die_with_launcher
    )


def stop(server):
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--alias", default="gemma-3-270m")
    parser.add_argument("--api-key")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ctx", type=int, default=1024)
    parser.add_argument("--chat-format", default="gemma")
    parser.add_argument("--startup-timeout", type=float, default=180)
    parser.add_argument("--port-file")
    parser.add_argument("--watch-stdin", action="store_true")
    parser.add_argument("--exit-with-parent", action="store_true")
    options = parser.parse_args()
    # A parent that spawned us from a thread with signals blocked passes its mask on; SIGTERM
    # must still reach the handler below (and the server inherits the unblocked mask).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parent = os.getppid()

    if not os.path.isfile(options.model):
        print("model %s is missing; install it with: %s" % (options.model, INSTALL_HINT), file=sys.stderr)
        return 2

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    if options.exit_with_parent:
        def orphaned():
            while os.getppid() == parent:
                time.sleep(0.5)
            stopping.set()

        threading.Thread(target=orphaned, daemon=True).start()

    server = None
    port = None
    for _ in range(3):  # another process may take the free port before the server binds it
        port = free_port()
        server = start(options, port)
        deadline = time.monotonic() + options.startup_timeout
        while time.monotonic() < deadline and server.poll() is None and not stopping.is_set():
            if answers(port, options.api_key):
                break
            time.sleep(0.25)
        if server.poll() is None and answers(port, options.api_key):
            break
        stop(server)
        if stopping.is_set() or time.monotonic() >= deadline:
            break
    if server is None or server.poll() is not None or not answers(port, options.api_key):
        if server is not None:
            stop(server)
        print("llama_cpp.server did not answer on 127.0.0.1 within %.0f s" % options.startup_timeout,
              file=sys.stderr)
        return 1

    if options.port_file:
        write_atomically(options.port_file, "%d\n" % port)
    print(port, flush=True)

    if options.watch_stdin:
        def watch():
            while sys.stdin.buffer.read(4096):
                pass
            stopping.set()

        threading.Thread(target=watch, daemon=True).start()
    while not stopping.is_set() and server.poll() is None:
        stopping.wait(0.5)
    stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
