#!/usr/bin/env python3
"""A loopback server speaking the OpenAI chat completions API, with scripted misbehaviour.

Tests and benchmarks start it to drive real HTTP through promptops' OpenAI provider. Standard
library only (ThreadingHTTPServer): every request has its own thread and no lock is held while a
response waits, so 200 requests at concurrency 32 are never throttled by the server itself.

Usage:
  server.py [--host 127.0.0.1] [--port 0] [--port-file FILE] [--latency-ms N]
            [--require-key KEY] [--script BEHAVIOUR] [--answers FILE] [--retry-after VALUE]
            [--watch-stdin] [--exit-with-parent]

  --port 0 (the default) takes a free port. Once the socket listens, the port number alone is
  printed as the first line on stdout, and written to --port-file when given (atomically: a temp
  file renamed into place, so a reader never sees half a number).
  --latency-ms N    every response (errors included) is sent N ms after its request line
                    arrived (the server's own processing counts towards the N ms).
  --require-key KEY every request needs `Authorization: Bearer KEY`; a missing or wrong key gets
                    401 with an OpenAI-style error body that never repeats the key it was sent.
  --script B        the behaviour for models that do not name one (default: echo).
  --answers FILE    a JSON object mapping a prompt (the last user message) to a canned answer,
                    used by the `canned` behaviour; prompts not in the map are echoed.
  --retry-after V   the Retry-After header sent with scripted 429/503 answers (default: 0).
  --watch-stdin     exit when standard input closes.
  --exit-with-parent  exit when the process that started the server dies (checked every 0.2 s),
                    so a test run that crashes or is killed leaves no server behind.

Endpoints:
  POST /v1/chat/completions (also /chat/completions): the chat API. Request JSON needs
       `model` and `messages`; the answer's `usage` counts whitespace-separated words:
       prompt_tokens over every message's content, completion_tokens over the answer.
  GET  /v1/models (also /models): lists one model, `loopback`.
  GET  /stats: {"requests": n, "connections": n, "byPath": {...}, "byModel": {...},
       "byStatus": {...}}, counting chat and model requests (not /stats or /requests
       themselves) and every TCP connection accepted (a kept-alive one counts once).
  POST /stats/reset (or DELETE /stats): zeroes the counters and the scripted failure counters.
  GET  /requests: the last 1000 chat request bodies as received (JSON array), oldest first;
       headers are not recorded, so no key is.
  POST /v1/embeddings (also /embeddings, and Azure's /openai/deployments/<d>/embeddings):
       `input` (a string) gets a deterministic 64-dimension embedding: each lower-cased word
       adds 1 at a position chosen by its SHA-256, so equal texts have cosine 1 and texts with
       no word in common cosine 0.
  POST /openai/deployments/<deployment>/chat/completions?api-version=V: Azure OpenAI's chat
       API; the deployment plays the part of the model (its behaviour), and the key, when
       required, comes in the `api-key` header.
  POST /v1/messages: Anthropic's Messages API (`x-api-key`, `anthropic-version` required);
       `system` and `messages` (string or text-block content) in, `content` blocks out.
  CONNECT host:port: a proxy's tunnel (as HTTP clients open one through `https_proxy`): the
       connection is joined to host:port, which must be on loopback; /stats counts the tunnels
       by target under `tunnels`.
  GET  /exchanges: for every request to a model endpoint, oldest first: path, query, which
       auth header came (`authorization`, `api-key`, `x-api-key`; never its value) and the
       `anthropic-version` header.

Behaviours, chosen per request by the model name's first `/`-separated part (the rest is a free
tag, e.g. `429x2/test-17`, so each test has its own counters), else by --script:
  echo         answer = the last user message's content.
  canned       answer from --answers, else echo.
  <code>       always answer HTTP <code> (e.g. 500, 503, 400) with an OpenAI-style error body.
  <code>x<N>   the first N requests for this exact model name get <code> (429 and 503 carry
               Retry-After), later ones succeed as echo.
  slow<ms>     wait <ms> milliseconds, then succeed as echo (for client timeouts).
  malformed    200 with a truncated JSON body.
  not-json     200 with an HTML page (content-type text/html).
  no-usage     a success without the `usage` object.
  no-choices   200 JSON without `choices`.
  no-content   200 JSON whose choices[0].message has no `content`.
  drop         close the connection without answering.
  cut          200 headers announcing the whole answer (Content-Length), half the body, then the
               connection closes: an answer cut off in the middle.
  stall        read the request and never answer (the connection stays open).
  trickle      200 headers, then the body one byte per second.
  garbage      a line that is not HTTP, then the connection closes.
  header-twice succeed as echo, with the header `X-Loopback` sent twice: `first`, then `second`.
  huge<MiB>    a well-formed answer whose content is <MiB> mebibytes of `a` (huge alone: 50).
  leak-key     401 whose error message repeats the Authorization header it got, verbatim (a
               careless gateway), so clients can prove they scrub keys from their errors.
  grade-pass   a grader that passes everything: answer = promptfoo's grading verdict
               {"reason": ..., "pass": true, "score": 1}, whatever it was asked.
  grade-fail   a grader that fails everything: {"reason": ..., "pass": false, "score": 0}.
  <fault>x<N>  for the faults drop, cut, stall, trickle, malformed, not-json and huge<MiB>: the
               first N requests for this exact model name get the fault, later ones succeed as
               echo (so a client's retry can be seen to succeed).
  rules        answer from --rules: a JSON list of [substring, answer] pairs; the first pair whose
               substring occurs in any message's content gives the answer (else echo).
  tool-call    answer with a call of the request's first tool (`tools[0].function.name`) whose
               arguments are the last user message, verbatim.
  function-call  the same with the legacy `functions` / `function_call`.
"""

import argparse
import hashlib
import json
import os
import re
import select
import signal
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHAT_PATHS = ("/v1/chat/completions", "/chat/completions")
EMBEDDING_PATHS = ("/v1/embeddings", "/embeddings")
ANTHROPIC_PATHS = ("/v1/messages",)
AZURE_PATH = re.compile(r"^/openai/deployments/([^/]+)/(chat/completions|embeddings)$")
MODEL_PATHS = ("/v1/models", "/models")
MAX_RECORDED = 1000


class State:
    """Counters shared by the handler threads; the lock guards only dictionary updates."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.requests = 0
            self.connections = 0
            self.by_path = {}
            self.by_model = {}
            self.by_status = {}
            self.failures_sent = {}
            self.recorded = []
            self.exchanges = []
            self.tunnels = {}

    def count(self, path, model):
        with self.lock:
            self.requests += 1
            self.by_path[path] = self.by_path.get(path, 0) + 1
            if model is not None:
                self.by_model[model] = self.by_model.get(model, 0) + 1

    def count_connection(self):
        with self.lock:
            self.connections += 1

    def count_status(self, status):
        with self.lock:
            key = str(status)
            self.by_status[key] = self.by_status.get(key, 0) + 1

    def record(self, body):
        with self.lock:
            self.recorded.append(body)
            if len(self.recorded) > MAX_RECORDED:
                del self.recorded[0]

    def exchange(self, record):
        with self.lock:
            self.exchanges.append(record)
            if len(self.exchanges) > MAX_RECORDED:
                del self.exchanges[0]

    def take_failure(self, model, limit):
        """True while this model has had fewer than `limit` scripted failures (and counts one)."""
        with self.lock:
            sent = self.failures_sent.get(model, 0)
            if sent < limit:
                self.failures_sent[model] = sent + 1
                return True
            return False

    def snapshot(self):
        with self.lock:
            return {
                "requests": self.requests,
                "connections": self.connections,
                "byPath": dict(self.by_path),
                "byModel": dict(self.by_model),
                "byStatus": dict(self.by_status),
                "tunnels": dict(self.tunnels),
            }

    def count_tunnel(self, target):
        with self.lock:
            self.tunnels[target] = self.tunnels.get(target, 0) + 1


def content_text(content):
    """A message's content as text: a string, or the text parts of a content-part list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def word_count(text):
    return len(text.split())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "loopback-openai/1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
    # client's delayed ACK, adding ~40 ms to every answer on a kept-alive connection.
    disable_nagle_algorithm = True

    # Set by main().
    options = None
    state = None
    answers = {}
    rules = []

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def setup(self):
        super().setup()
        self.state.count_connection()

    # --- plumbing -------------------------------------------------------------------------

    def send_body(self, status, body, content_type="application/json", headers=None):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        if not self.path.startswith(("/stats", "/requests")):
            self.state.count_status(status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items() if isinstance(headers, dict) else headers or []:
            self.send_header(name, value)
        # The whole answer is built before the wait and leaves in one write when it ends: with
        # dozens of requests in flight, building it after the wait (under Python's global lock)
        # made answers leave up to several milliseconds late.
        self._headers_buffer.append(b"\r\n")
        payload = b"".join(self._headers_buffer) + data
        self._headers_buffer = []
        self.wait_latency()
        self.wfile.write(payload)

    def send_json(self, status, obj, headers=None):
        self.send_body(status, json.dumps(obj), headers=headers)

    def send_error_json(self, status, message, kind="server_error", code=None, headers=None):
        self.send_json(status, {"error": {"message": message, "type": kind, "code": code}}, headers)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def parse_request(self):
        # The latency runs from the moment the request line arrived, so the time this server
        # spends reading and answering (under Python's global lock, with many requests at once)
        # is part of the latency rather than added to it.
        self.received_at = time.monotonic()
        return super().parse_request()

    def latency(self):
        """Holds the answer until the latency has passed since the request arrived; the wait
        itself happens in `send_body`, just before the answer is written."""
        self.answer_delayed = self.options.latency_ms > 0

    def wait_latency(self):
        if getattr(self, "answer_delayed", False):
            self.answer_delayed = False
            remaining = self.received_at + self.options.latency_ms / 1000.0 - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)

    def authorized(self, api="openai"):
        key = self.options.require_key
        if key is None:
            return True
        if api == "azure":
            header = self.headers.get("api-key") or ""
            if header == key:
                return True
        elif api == "anthropic":
            header = self.headers.get("x-api-key") or ""
            if header == key:
                return True
        else:
            header = self.headers.get("Authorization") or ""
            if header == "Bearer " + key:
                return True
        self.latency()
        message = "Missing API key" if not header else "Incorrect API key provided"
        self.send_error_json(401, message, "invalid_request_error", "invalid_api_key")
        return False

    # --- routes ---------------------------------------------------------------------------

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/stats":
            self.send_json(200, self.state.snapshot())
        elif path == "/requests":
            with self.state.lock:
                recorded = list(self.state.recorded)
            self.send_json(200, recorded)
        elif path == "/exchanges":
            with self.state.lock:
                exchanges = list(self.state.exchanges)
            self.send_json(200, exchanges)
        elif path in MODEL_PATHS:
            self.state.count(path, None)
            if not self.authorized():
                return
            self.latency()
            self.send_json(200, {"object": "list", "data": [{"id": "loopback", "object": "model"}]})
        else:
            self.send_error_json(404, "no route " + path, "invalid_request_error")

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        if host.strip("[]") not in ("127.0.0.1", "localhost", "::1") or not port.isdigit():
            self.send_error_json(403, "this proxy tunnels to loopback only", "invalid_request_error")
            return
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except OSError as error:
            self.send_error_json(502, "cannot reach %s: %s" % (self.path, error))
            return
        self.state.count_tunnel(self.path)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        upstream.settimeout(None)
        client = self.connection
        client.settimeout(None)
        try:
            sockets = [client, upstream]
            while True:
                readable, _, _ = select.select(sockets, [], [], 60)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is client else client).sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()

    def do_DELETE(self):
        if self.path.split("?", 1)[0] == "/stats":
            self.state.reset()
            self.send_json(200, self.state.snapshot())
        else:
            self.send_error_json(404, "no route", "invalid_request_error")

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        raw = self.read_body()
        if path == "/stats/reset":
            self.state.reset()
            self.send_json(200, self.state.snapshot())
            return
        azure = AZURE_PATH.match(path)
        if path not in CHAT_PATHS + EMBEDDING_PATHS + ANTHROPIC_PATHS and not azure:
            self.send_error_json(404, "no route " + path, "invalid_request_error")
            return
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        self.state.exchange({
            "path": path,
            "query": query,
            "auth": [name for name in ("authorization", "api-key", "x-api-key") if self.headers.get(name) is not None],
            "anthropicVersion": self.headers.get("anthropic-version"),
        })
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self.state.count(path, None)
            self.send_error_json(400, "request body is not JSON", "invalid_request_error")
            return
        api = "azure" if azure else ("anthropic" if path in ANTHROPIC_PATHS else "openai")
        model = body.get("model") if isinstance(body, dict) else None
        if azure:
            model = azure.group(1)
            if "api-version=" not in query:
                self.state.count(path, model)
                self.send_error_json(400, "api-version query parameter is required", "invalid_request_error")
                return
        self.state.count(path, model if isinstance(model, str) else None)
        self.state.record(body)
        if not self.authorized(api):
            return
        if path in EMBEDDING_PATHS or (azure and azure.group(2) == "embeddings"):
            self.embeddings(body, model)
            return
        if api == "anthropic":
            if not self.headers.get("anthropic-version"):
                self.send_error_json(400, "anthropic-version header is required", "invalid_request_error")
                return
            if not isinstance(model, str) or not isinstance(body.get("messages"), list) or not isinstance(body.get("max_tokens"), int):
                self.send_error_json(400, "`model`, `messages` and `max_tokens` are required", "invalid_request_error")
                return
            self.anthropic(body, model)
            return
        if not isinstance(model, str) or not isinstance(body.get("messages"), list):
            self.latency()
            self.send_error_json(400, "`model` and `messages` are required", "invalid_request_error")
            return
        self.chat(body, model)

    def embeddings(self, body, model):
        text = body.get("input") if isinstance(body, dict) else None
        if not isinstance(text, str):
            self.send_error_json(400, "`input` must be a string", "invalid_request_error")
            return
        self.latency()
        self.send_json(200, {
            "object": "list",
            "data": [{"object": "embedding", "index": 0, "embedding": embed(text)}],
            "model": model,
            "usage": {"prompt_tokens": word_count(text), "total_tokens": word_count(text)},
        })

    def answer_for(self, behaviour, messages, prompt):
        """The text a behaviour answers with (None: the behaviour is not a text one)."""
        if behaviour == "canned":
            return self.answers.get(prompt, prompt)
        if behaviour in ("grade-pass", "grade-fail"):
            passed = behaviour == "grade-pass"
            return json.dumps({"reason": "%s grader" % ("lenient" if passed else "strict"), "pass": passed, "score": 1 if passed else 0})
        if behaviour == "rules":
            everything = "\n".join(content_text(m.get("content")) for m in messages if isinstance(m, dict))
            for substring, answer in self.rules:
                if substring in everything:
                    return answer
        return prompt

    def anthropic(self, body, model):
        behaviour = model.split("/", 1)[0]
        if not is_behaviour(behaviour):
            behaviour = self.options.script
        messages = body["messages"]
        prompt = ""
        for message in messages:
            if isinstance(message, dict) and message.get("role") == "user":
                prompt = content_text(message.get("content"))
        system = body.get("system")
        system_text = system if isinstance(system, str) else content_text(system)
        self.latency()
        match = re.fullmatch(r"(\d{3})(?:x(\d+))?", behaviour)
        if match and (match.group(2) is None or self.state.take_failure(model, int(match.group(2)))):
            status = int(match.group(1))
            self.send_json(status, {"type": "error", "error": {"type": "api_error", "message": "scripted %d" % status}})
            return
        everything = [{"content": system_text}] + [m for m in messages if isinstance(m, dict)]
        answer = self.answer_for(behaviour, everything, prompt)
        input_tokens = word_count(system_text) + sum(word_count(content_text(m.get("content"))) for m in messages if isinstance(m, dict))
        self.send_json(200, {
            "id": "msg_loopback",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": answer}],
            "stop_reason": "end_turn",
            "usage": {"input_tokens": input_tokens, "output_tokens": word_count(answer)},
        })

    def chat(self, body, model):
        behaviour = model.split("/", 1)[0]
        if not is_behaviour(behaviour):
            behaviour = self.options.script
        messages = body["messages"]
        prompt = ""
        for message in messages:
            if isinstance(message, dict) and message.get("role") == "user":
                prompt = content_text(message.get("content"))
        prompt_tokens = sum(
            word_count(content_text(m.get("content"))) for m in messages if isinstance(m, dict)
        )

        self.latency()
        retry_headers = {"Retry-After": self.options.retry_after}

        match = re.fullmatch(r"(\d{3})(?:x(\d+))?", behaviour)
        if match:
            status = int(match.group(1))
            limit = match.group(2)
            if limit is None or self.state.take_failure(model, int(limit)):
                headers = retry_headers if status in (429, 503) else None
                self.send_error_json(status, "scripted %d" % status, headers=headers)
                return
            behaviour = "echo"
        fault = re.fullmatch(r"(drop|cut|stall|trickle|malformed|not-json|huge\d*)x(\d+)", behaviour)
        if fault:
            behaviour = fault.group(1) if self.state.take_failure(model, int(fault.group(2))) else "echo"
        slow = re.fullmatch(r"slow(\d+)", behaviour)
        if slow:
            self.wait_latency()
            time.sleep(int(slow.group(1)) / 1000.0)
            behaviour = "echo"

        if behaviour == "leak-key":
            received = self.headers.get("Authorization") or "(none)"
            self.send_error_json(401, "Incorrect API key provided: " + received, "invalid_request_error")
            return
        if behaviour == "garbage":
            self.wait_latency()
            self.close_connection = True
            self.wfile.write(b"this is not HTTP\r\n\r\n")
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        if behaviour == "header-twice":
            answer = self.answer_for("echo", messages, prompt)
            headers = [("X-Loopback", "first"), ("X-Loopback", "second")]
            self.send_body(200, self.answer_body(model, answer, prompt_tokens), headers=headers)
            return
        if behaviour == "drop":
            self.wait_latency()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if behaviour in ("cut", "trickle"):
            self.send_partially(self.answer_body(model, prompt, prompt_tokens), behaviour)
            return
        if behaviour == "stall":
            self.wait_latency()
            time.sleep(3600)
            return
        huge = re.fullmatch(r"huge(\d*)", behaviour)
        if huge:
            mebibytes = int(huge.group(1) or "50")
            self.send_body(200, self.answer_body(model, "a" * (mebibytes << 20), prompt_tokens))
            return
        if behaviour == "malformed":
            self.send_body(200, '{"id": "chatcmpl-loopback", "choices": [{"message": {"content": "')
            return
        if behaviour == "not-json":
            self.send_body(200, "<html><body>502 Bad Gateway</body></html>", "text/html")
            return
        if behaviour == "no-choices":
            self.send_json(200, {"id": "chatcmpl-loopback", "object": "chat.completion", "model": model})
            return

        answer = self.answer_for(behaviour, messages, prompt)
        message = {"role": "assistant", "content": answer}
        if behaviour == "function-call":
            functions = body.get("functions") if isinstance(body.get("functions"), list) else []
            name = functions[0].get("name", "") if functions and isinstance(functions[0], dict) else ""
            message = {"role": "assistant", "content": None, "function_call": {"name": name, "arguments": prompt}}
        if behaviour == "tool-call":
            tools = body.get("tools") if isinstance(body.get("tools"), list) else []
            name = ""
            if tools and isinstance(tools[0], dict) and isinstance(tools[0].get("function"), dict):
                name = tools[0]["function"].get("name", "")
            message = {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_loopback", "type": "function", "function": {"name": name, "arguments": prompt}}]}
        if behaviour == "no-content":
            message = {"role": "assistant"}
        self.send_body(200, self.answer_body(model, answer, prompt_tokens, message, usage=behaviour != "no-usage"))

    def answer_body(self, model, answer, prompt_tokens, message=None, usage=True):
        """The JSON text of a chat completion answering `answer`."""
        response = {
            "id": "chatcmpl-loopback",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message or {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
        }
        if usage:
            completion_tokens = word_count(answer)
            response["usage"] = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            }
        return json.dumps(response)

    def send_partially(self, body, how):
        """Headers announcing all of `body`, then (cut) half of it and a closed connection, or
        (trickle) one byte a second for as long as the client listens."""
        data = body.encode("utf-8")
        self.state.count_status(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wait_latency()
        self.close_connection = True
        try:
            if how == "cut":
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.connection.shutdown(2)
                return
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass  # The client gave up: that is what the trickle is for.


BEHAVIOURS = (
    "echo", "canned", "malformed", "not-json", "no-usage", "no-choices", "no-content", "drop", "leak-key",
    "grade-pass", "grade-fail", "rules", "tool-call", "function-call",
    "cut", "stall", "trickle", "garbage", "header-twice",
)


def embed(text):
    """A deterministic bag-of-words embedding: 64 dimensions, one count per word."""
    vector = [0.0] * 64
    for word in re.findall(r"[a-z0-9']+", text.lower()):
        digest = hashlib.sha256(word.encode("utf-8")).digest()
        vector[digest[0] % 64] += 1.0
    if not any(vector):
        vector[0] = 1.0
    return vector


def is_behaviour(name):
    return (
        name in BEHAVIOURS
        or re.fullmatch(r"\d{3}(x\d+)?|slow\d+|huge\d*", name) is not None
        or re.fullmatch(r"(drop|cut|stall|trickle|malformed|not-json|huge\d*)x\d+", name) is not None
    )


def write_atomically(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".port-")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(temp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--require-key")
    parser.add_argument("--script", default="echo")
    parser.add_argument("--answers")
    parser.add_argument("--rules")
    parser.add_argument("--retry-after", default="0")
    parser.add_argument("--watch-stdin", action="store_true")
    parser.add_argument("--exit-with-parent", action="store_true")
    options = parser.parse_args()
    if not is_behaviour(options.script):
        parser.error("unknown --script behaviour %r" % options.script)
    # A parent that spawned us from a thread with signals blocked passes its mask on; SIGTERM
    # must still stop the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()

    Handler.options = options
    Handler.state = State()
    if options.answers:
        with open(options.answers, encoding="utf-8") as handle:
            Handler.answers = json.load(handle)
    if options.rules:
        with open(options.rules, encoding="utf-8") as handle:
            Handler.rules = [tuple(pair) for pair in json.load(handle)]

    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer((options.host, options.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if options.port_file:
        write_atomically(options.port_file, "%d\n" % port)
    print(port, flush=True)

    if options.watch_stdin:
        def watch():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()
    if options.exit_with_parent:
        def orphaned():
            while os.getppid() == parent:
                time.sleep(0.2)
            os._exit(0)

        threading.Thread(target=orphaned, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
