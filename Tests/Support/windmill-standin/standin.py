#!/usr/bin/env python3
"""A stand-in Windmill server for the tests of hops: the REST API of Windmill 1.743 on loopback.

It keeps scripts, flows, variables, resources and jobs, "runs" flows without running code (see
runner.py), checks every request and response against the vendored OpenAPI spec, and has
control endpoints under /__standin/ (README.md). Usage:

    python3 standin.py --port 0 --data DIR [--token TOKEN] [--workspace ID]

(the token can come from $STANDIN_TOKEN instead, to keep it out of every argument list.)

It prints `listening on http://127.0.0.1:PORT` once it accepts connections, and exits on SIGTERM
or when its standard input closes.
"""

import argparse
import copy
import datetime
import json
import os
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import runner  # noqa: E402

SPEC_DIR = HERE.parent.parent / "Fixtures" / "spec"
LOGS_HINT = "to remove ansi colors, use: | sed 's/\\x1B\\[[0-9;]\\{1,\\}[A-Za-z]//g'\n"
TOO_BIG = "WINDMILL_TOO_BIG"
DEFAULT_CONFIG = {"too_big_bytes": 90000, "logs_tail_chars": 20000, "step_delay_ms": 0}
# Body fields of createScript/createFlow/updateFlow that steer the call and are not stored.
CONTROL_FIELDS = {"parent_hash", "auto_parent", "deployment_message", "skip_draft_deletion", "preserve_on_behalf_of"}
HTML_PAGE = ("<!DOCTYPE html><html><head><title>Sign in ・ Cloudflare Access</title></head>"
             "<body><h1>Sign in</h1><p>This page is served by an access proxy, not by Windmill.</p>"
             "</body></html>")
STATUS_BODIES = {401: "Not authorized: Unauthorized", 403: "Permission denied: stand-in fault",
                 404: "Not found: stand-in fault", 429: "Too many requests", 500: "Internal: stand-in fault",
                 502: "Bad gateway: stand-in fault", 503: "Service Unavailable"}


class ApiError(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status = status
        self.text = text


class Response:
    def __init__(self, status, body, content_type=None, headers=None):
        self.status = status
        self.body = body
        self.json = content_type is None
        self.content_type = content_type or "application/json"
        self.headers = headers or {}


class Stream(Response):
    """A server-sent event stream: frames is an iterator of JSON values, each sent as `data: …`."""

    def __init__(self, frames):
        super().__init__(200, frames, "text/event-stream")
        self.json = False


def text(status, body):
    return Response(status, body, "text/plain; charset=utf-8")


def rfc3339(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


# ---- state -----------------------------------------------------------------------------------

class Store:
    def __init__(self, workspace, token, data_dir):
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.workspace = workspace
        self.token = token
        self.data = Path(data_dir)
        self.user = {"username": "admin", "email": "admin@standin.test", "name": "Stand-in Admin"}
        self.created_at = rfc3339(datetime.datetime.now(datetime.timezone.utc))
        self.scripts = {}          # path -> versions, oldest first
        self.scripts_by_hash = {}
        self.flows = {}            # path -> current flow
        self.flow_versions = {}    # version id -> flow as it was
        self.variables = {}
        self.resources = {}
        self.jobs = {}
        self.next_version = 1
        self.rules = []
        self.faults = []
        self.requests = []
        self.violations = []
        self.cancels = {}          # root job id -> (who, reason)
        self.releases = 0
        self.clock_offset = 0.0
        self.config = dict(DEFAULT_CONFIG)
        self.dirty = threading.Event()
        self.load()

    def now(self):
        t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=self.clock_offset)
        return rfc3339(t)

    # persistence: state.json in the data folder, written shortly after each change
    KEPT = ("scripts", "flows", "flow_versions", "variables", "resources", "jobs", "next_version")

    def load(self):
        self.data.mkdir(parents=True, exist_ok=True)
        f = self.data / "state.json"
        if f.exists():
            state = json.loads(f.read_text())
            for k in self.KEPT:
                if k in state:
                    setattr(self, k, state[k])
            self.flow_versions = {int(k): v for k, v in self.flow_versions.items()}
            for versions in self.scripts.values():
                for s in versions:
                    self.scripts_by_hash[s["hash"]] = s
            for j in self.jobs.values():  # a job cut short by an exit stays unfinished: fail it
                if j.get("_state") != "completed":
                    j.update(_state="completed", success=False, completed_at=self.now(), duration_ms=0,
                             result=runner.error_value("stand-in restarted while the job ran", "InternalError"))

    def save(self):
        with self.lock:
            state = json.dumps({k: getattr(self, k) for k in self.KEPT}, default=str)
        tmp = self.data / "state.json.tmp"
        tmp.write_text(state)
        tmp.replace(self.data / "state.json")

    def saver(self):
        while True:
            self.dirty.wait()
            time.sleep(0.2)  # gather a burst of changes into one write
            self.dirty.clear()
            self.save()

    def persist_job(self, job):
        self.dirty.set()

    def append(self, name, entry):
        with open(self.data / name, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def violation(self, kind, message, entry=None, op=None):
        v = {"kind": kind, "message": message}
        if entry is not None:
            v.update(method=entry["method"], path=entry["path"], request=entry["seq"])
        if op is not None:
            v["operation"] = op
        with self.lock:
            self.violations.append(v)
        self.append("violations.jsonl", v)

    # scripts
    def script_head(self, path, hash_=None):
        with self.lock:
            if hash_:
                return self.scripts_by_hash.get(hash_)
            live = [s for s in self.scripts.get(path, []) if not s["archived"]]
            return live[-1] if live else None

    # control rules
    def rule_for(self, flow, step, iters):
        with self.lock:
            for r in reversed(self.rules):
                if r.get("flow", "*") not in ("*", flow or ""):
                    continue
                if r.get("step") != step:
                    continue
                if "iteration" in r and (not iters or iters[-1] != r["iteration"]):
                    continue
                return dict(r)
        return None

    def take_fault(self, method, path):
        with self.lock:
            for f in self.faults:
                if f.get("method") and f["method"].upper() != method:
                    continue
                if f.get("path_contains") and f["path_contains"] not in path:
                    continue
                f["count"] -= 1
                if f["count"] <= 0:
                    self.faults.remove(f)
                return dict(f)
        return None


# ---- job views -------------------------------------------------------------------------------

COMPLETED_ONLY = ("completed_at", "duration_ms", "success", "result", "is_skipped")
LIST_DROPPED = ("result", "logs", "flow_status", "raw_flow", "raw_code")


def job_view(store, job, no_logs=False, no_code=False, tagged=True, listed=False, include_args=False):
    """A job as getJob, getCompletedJob, listJobs or listCompletedJobs give it."""
    with store.lock:
        v = {k: copy.deepcopy(x) for k, x in job.items() if not k.startswith("_") and x is not None}
        completed = job["_state"] == "completed"
    if completed:
        if tagged:
            v["type"] = "CompletedJob"
        v["result_columns"] = None
    else:
        for k in COMPLETED_ONLY:
            v.pop(k, None)
        v["running"] = job["_state"] == "running"
        v["scheduled_for"] = v["created_at"]
        if tagged:
            v["type"] = "QueuedJob"
    if listed:
        for k in LIST_DROPPED:
            v.pop(k, None)
        if not include_args:
            v.pop("args", None)
        return v
    limit = store.config["too_big_bytes"]
    if "args" in v and len(json.dumps(v["args"])) >= limit:
        v["args"] = {"reason": TOO_BIG}
    if "result" in v and len(json.dumps(v["result"])) >= limit:
        v["result"] = TOO_BIG
    if no_logs:
        v.pop("logs", None)
    elif "logs" in v:
        v["logs"] = v["logs"][-store.config["logs_tail_chars"]:]
    if no_code:
        if "raw_code" in v:
            v["raw_code"] = "..."
        if "raw_flow" in v:
            _hide_code(v["raw_flow"])
    return v


def _hide_code(node):
    if isinstance(node, dict):
        if node.get("type") == "rawscript" and "content" in node:
            node["content"] = "..."
        for x in node.values():
            _hide_code(x)
    elif isinstance(node, list):
        for x in node:
            _hide_code(x)


def _subset(small, big):
    if isinstance(small, dict):
        return isinstance(big, dict) and all(k in big and _subset(v, big[k]) for k, v in small.items())
    if isinstance(small, list):
        return isinstance(big, list) and all(any(_subset(s, b) for b in big) for s in small)
    return small == big


def _in_list(value, spec):
    """Windmill's comma-list filters: `a,b` keeps a or b; `!a,!b` keeps neither."""
    items = [x for x in spec.split(",") if x]
    if items and all(x.startswith("!") for x in items):
        return value not in [x[1:] for x in items]
    return value in items


def job_filter(q):
    def keep(j):
        if "success" in q:
            if q["success"] == "true" and j.get("success") is not True:
                return False
            if q["success"] == "false" and j.get("success") is not False:
                return False
        status = q.get("status")
        if status:
            st = ("canceled" if j.get("canceled") else "skipped" if j.get("is_skipped")
                  else "success" if j.get("success") else "failure")
            if st != status:
                return False
        for param, field in (("job_kinds", "job_kind"), ("script_path_exact", "script_path"),
                             ("created_by", "created_by"), ("tag", "tag")):
            if q.get(param) and not _in_list(j.get(field) or "", q[param]):
                return False
        if q.get("script_path_start") and not (j.get("script_path") or "").startswith(q["script_path_start"]):
            return False
        if q.get("script_hash") and j.get("script_hash") != q["script_hash"]:
            return False
        if q.get("has_null_parent") == "true" and j.get("parent_job") is not None:
            return False
        if q.get("parent_job") and j.get("parent_job") != q["parent_job"]:
            return False
        for b in ("is_flow_step", "is_skipped"):
            if b in q and bool(j.get(b)) != (q[b] == "true"):
                return False
        for param, field, after in (("created_after", "created_at", True), ("created_before", "created_at", False),
                                    ("started_after", "started_at", True), ("started_before", "started_at", False),
                                    ("completed_after", "completed_at", True),
                                    ("completed_before", "completed_at", False)):
            if q.get(param):
                if not j.get(field):
                    return False
                a, b = parse_time(j[field]), parse_time(q[param])
                if (after and a < b) or (not after and a > b):
                    return False
        for param in ("args", "result"):
            if q.get(param):
                try:
                    want = json.loads(q[param])
                except ValueError:
                    return False
                if not _subset(want, j.get(param)):
                    return False
        return True
    return keep


def page(rows, q, default=1000):
    per_page = min(int(q.get("per_page") or default), 10000)
    n = max(int(q.get("page") or 1), 1)
    return rows[(n - 1) * per_page: n * per_page]


# ---- the API ---------------------------------------------------------------------------------

class Api:
    """One method per operationId of the spec the stand-in answers."""

    def __init__(self, store, spec_holder):
        self.s = store
        self.spec = spec_holder
        self.runner = runner.Runner(store)

    # version, users, workspaces
    def backendVersion(self, r):
        return text(200, f"CE v{self.spec.get().version}")

    def globalWhoami(self, r):
        u = self.s.user
        return Response(200, {"email": u["email"], "login_type": "password", "super_admin": True, "verified": True,
                              "name": u["name"], "username": u["username"], "first_time_user": False,
                              "role_source": "manual", "disabled": False, "operator_only": False})

    def whoami(self, r):
        u = self.s.user
        return Response(200, {"email": u["email"], "username": u["username"], "is_admin": True, "name": u["name"],
                              "is_super_admin": True, "created_at": self.s.created_at, "operator": False,
                              "disabled": False, "groups": ["all"], "folders": [], "folders_read": [],
                              "folders_owners": [], "added_via": None, "is_service_account": False})

    def listUserWorkspaces(self, r):
        return Response(200, {"email": self.s.user["email"], "workspaces": [{
            "id": self.s.workspace, "name": self.s.workspace, "username": self.s.user["username"], "color": "",
            "is_dev_workspace": False, "disabled": False, "parent_workspace_id": None}]})

    def listWorkspaces(self, r):
        return Response(200, [{"id": self.s.workspace, "name": self.s.workspace, "owner": self.s.user["email"],
                               "created_at": self.s.created_at}])

    def existsWorkspace(self, r):
        return text(200, "true" if r.body.get("id") == self.s.workspace else "false")

    # scripts
    def _script_or_404(self, path):
        s = self.s.script_head(path)
        if s is None:
            raise ApiError(404, f"Not found: script not found at name {path}")
        return s

    def createScript(self, r):
        b = r.body
        path = b["path"]
        head = self.s.script_head(path)
        if head is not None:
            parent = b.get("parent_hash")
            if not parent and not b.get("auto_parent"):
                raise ApiError(400, f"Bad request: Path conflict for {path} with non-archived hash {head['hash']}")
            if parent and parent != head["hash"] and not b.get("auto_parent"):
                raise ApiError(400, f"Bad request: The script at {path} has head {head['hash']}, not {parent}: "
                                    "lineage must be linear")
            fields = {k: v for k, v in b.items() if k not in CONTROL_FIELDS}
            if r.query.get("skip_if_noop") == "true" and all(head.get(k) == v for k, v in fields.items()):
                return text(201, head["hash"])
        script = {
            "workspace_id": self.s.workspace, "path": path, "summary": "", "description": "",
            "created_by": self.s.user["username"], "created_at": self.s.now(), "archived": False,
            "deleted": False, "is_template": False, "extra_perms": {}, "kind": "script", "starred": False,
            "has_preprocessor": False, "labels": [], "schema": {},
        }
        script.update({k: v for k, v in b.items() if k not in CONTROL_FIELDS and k != "assets"})
        with self.s.lock:
            script["hash"] = f"{random.getrandbits(63):016x}"
            script["parent_hashes"] = [head["hash"]] + head.get("parent_hashes", []) if head else []
            self.s.scripts.setdefault(path, []).append(script)
            self.s.scripts_by_hash[script["hash"]] = script
        self.s.dirty.set()
        return text(201, script["hash"])

    def getScriptByPath(self, r):
        return Response(200, dict(copy.deepcopy(self._script_or_404(r.params["path"])), is_draft=False))

    def existsScriptByPath(self, r):
        return Response(200, self.s.script_head(r.params["path"]) is not None)

    def getScriptByHash(self, r):
        s = self.s.script_head("", r.params["hash"])
        if s is None:
            raise ApiError(404, f"Not found: script not found at hash {r.params['hash']}")
        return Response(200, copy.deepcopy(s))

    def _listed(self, items, q, key):
        if q.get("path_exact"):
            items = [i for i in items if i["path"] == q["path_exact"]]
        if q.get("path_start"):
            items = [i for i in items if i["path"].startswith(q["path_start"])]
        items.sort(key=lambda i: i[key], reverse=q.get("order_desc", "true") != "false")
        return page(items, q, default=30)

    def listScripts(self, r):
        with self.s.lock:
            heads = [h for h in (self.s.script_head(p) for p in self.s.scripts) if h]
            return Response(200, [dict(copy.deepcopy(h), is_draft=False) for h in self._listed(heads, r.query, "created_at")])

    # flows
    def _flow_or_404(self, path):
        f = self.s.flows.get(path)
        if f is None:
            raise ApiError(404, f"Not found: Flow not found at path {path}")
        return f

    def _store_flow(self, body):
        flow = {"workspace_id": self.s.workspace, "summary": "", "edited_by": self.s.user["username"],
                "edited_at": self.s.now(), "archived": False, "extra_perms": {}, "starred": False, "labels": []}
        flow.update({k: v for k, v in body.items() if k not in CONTROL_FIELDS})
        with self.s.lock:
            flow["version_id"] = self.s.next_version
            self.s.next_version += 1
            self.s.flows[flow["path"]] = flow
            self.s.flow_versions[flow["version_id"]] = copy.deepcopy(flow)
        self.s.dirty.set()
        return flow

    def createFlow(self, r):
        if r.body["path"] in self.s.flows:
            raise ApiError(400, f"Bad request: Flow {r.body['path']} already exists")
        return text(201, self._store_flow(r.body)["path"])

    def updateFlow(self, r):
        path = r.params["path"]
        self._flow_or_404(path)
        with self.s.lock:
            if r.body.get("path", path) != path:
                if r.body["path"] in self.s.flows:
                    raise ApiError(400, f"Bad request: Flow {r.body['path']} already exists")
                del self.s.flows[path]
        return text(200, self._store_flow(dict(r.body, path=r.body.get("path", path)))["path"])

    def getFlowByPath(self, r):
        return Response(200, dict(copy.deepcopy(self._flow_or_404(r.params["path"])), is_draft=False))

    def getFlowVersion(self, r):
        try:
            f = self.s.flow_versions.get(int(float(r.params["version"])))
        except ValueError:
            f = None
        if f is None:
            raise ApiError(404, f"Not found: flow version {r.params['version']} not found")
        return Response(200, copy.deepcopy(f))

    def existsFlowByPath(self, r):
        return Response(200, r.params["path"] in self.s.flows)

    def listFlows(self, r):
        with self.s.lock:
            flows = [copy.deepcopy(f) for f in self.s.flows.values()]
        return Response(200, [dict(f, is_draft=False) for f in self._listed(flows, r.query, "edited_at")])

    # variables and resources
    def _secret(self, table, kind, path):
        item = table.get(path)
        if item is None:
            raise ApiError(404, f"Not found: {kind} {path} not found")
        if item.get("forbidden"):
            raise ApiError(401, f"Not authorized: {kind.capitalize()} exists but you don't have access to it")
        return copy.deepcopy(item["value"])

    def getVariableValue(self, r):
        return Response(200, self._secret(self.s.variables, "variable", r.params["path"]))

    def getResourceValue(self, r):
        return Response(200, self._secret(self.s.resources, "resource", r.params["path"]))

    def getResourceValueInterpolated(self, r):
        def resolve(v, depth=0):
            if isinstance(v, str) and depth < 10:
                if v.startswith("$var:"):
                    return self._secret(self.s.variables, "variable", v[5:])
                if v.startswith("$res:"):
                    return resolve(self._secret(self.s.resources, "resource", v[5:]), depth + 1)
            if isinstance(v, dict):
                return {k: resolve(x, depth + 1) for k, x in v.items()}
            if isinstance(v, list):
                return [resolve(x, depth + 1) for x in v]
            return v
        return Response(200, resolve(self._secret(self.s.resources, "resource", r.params["path"])))

    # running
    def _new_top_job(self, r, kind, args, path, **fields):
        job_id = r.query.get("job_id")
        if job_id and job_id in self.s.jobs:
            raise ApiError(400, f"Bad request: job id {job_id} already exists")
        if not isinstance(args, dict):
            args = {"value": args}
        return self.runner.new_job(kind, args, None, path, job_id=job_id, tag="flow", **fields)

    def runFlowByPath(self, r):
        flow = copy.deepcopy(self._flow_or_404(r.params["path"]))
        job = self._new_top_job(r, "flow", r.body, flow["path"], script_hash=f"{flow['version_id']:016x}")
        self.runner.launch(job, flow["value"], flow["path"])
        return text(201, job["id"])

    def runFlowPreview(self, r):
        b = r.body
        job = self._new_top_job(r, "flowpreview", b.get("args") or {}, b.get("path"))
        self.runner.launch(job, copy.deepcopy(b["value"]), b.get("path") or "")
        return text(201, job["id"])

    def cancelQueuedJob(self, r):
        job = self._job_or_404(r.params["id"])
        with self.s.lock:
            if job["_state"] == "completed":
                raise ApiError(400, f"Bad request: job {job['id']} is already completed")
            self.s.cancels.setdefault(job["_root"], (self.s.user["username"], r.body.get("reason") or "no reason"))
            self.s.changed.notify_all()
        return text(200, job["id"])

    # job reads
    def _job_or_404(self, job_id):
        j = self.s.jobs.get(job_id)
        if j is None:
            raise ApiError(404, f"Not found: Job {job_id} not found")
        return j

    def _completed_or_404(self, job_id):
        j = self.s.jobs.get(job_id)
        if j is None or j["_state"] != "completed":
            raise ApiError(404, f"Not found: Completed Job not found at name {job_id} (jobs.rs:8894)")
        return j

    def getJob(self, r):
        j = self._job_or_404(r.params["id"])
        return Response(200, job_view(self.s, j, r.query.get("no_logs") == "true", r.query.get("no_code") == "true"))

    def getCompletedJob(self, r):
        return Response(200, job_view(self.s, self._completed_or_404(r.params["id"]), tagged=False))

    def getCompletedJobResult(self, r):
        result = copy.deepcopy(self._completed_or_404(r.params["id"])["result"])
        for part in filter(None, (r.query.get("json_path") or "").split(".")):
            result = result.get(part) if isinstance(result, dict) else None
        return Response(200, result)

    def getCompletedJobResultMaybe(self, r):
        j = self._job_or_404(r.params["id"])
        with self.s.lock:
            done = j["_state"] == "completed"
            return Response(200, {"completed": done, "result": copy.deepcopy(j["result"]) if done else None,
                                  "success": bool(done and j["success"] and not j["is_skipped"]),
                                  "started": j["_state"] != "queued"})

    def getJobArgs(self, r):
        return Response(200, copy.deepcopy(self._job_or_404(r.params["id"])["args"]))

    def getRootJobId(self, r):
        return Response(200, self._job_or_404(r.params["id"])["_root"])

    def getJobLogs(self, r):
        logs = self._job_or_404(r.params["id"])["logs"] or ""
        hint = "" if r.query.get("remove_ansi_warnings") == "true" else LOGS_HINT
        return text(200, hint + logs)

    def _updates(self, j, q, log_offset):
        with self.s.lock:
            logs = j["logs"] or ""
            out = {"running": j["_state"] == "running", "completed": j["_state"] == "completed",
                   "log_offset": len(logs)}
            if q.get("no_logs") != "true":
                out["new_logs"] = logs[log_offset:]
            if j.get("flow_status") is not None:
                out["flow_status"] = copy.deepcopy(j["flow_status"])
        return out

    def getJobUpdates(self, r):
        j = self._job_or_404(r.params["id"])
        return Response(200, self._updates(j, r.query, int(r.query.get("log_offset") or 0)))

    def getJobUpdatesSSE(self, r):
        """Frames `{"type": "update", …}` on each change, `ping` every 5 s of quiet, the job itself with the
        last update, and `timeout` after 60 s (the client reconnects with its log_offset)."""
        j = self._job_or_404(r.params["id"])
        s = self.s

        def frames():
            offset = int(r.query.get("log_offset") or 0)
            start = quiet = time.monotonic()
            last = None
            while True:
                update = self._updates(j, r.query, offset)
                if update["completed"]:
                    update.update(type="update", job=job_view(s, j))
                    yield update
                    return
                now = time.monotonic()
                if update != last and r.query.get("only_result") != "true":
                    last, quiet = update, now
                    offset = update["log_offset"]
                    yield dict(update, type="update")
                elif now - start >= 60:
                    yield {"type": "timeout"}
                    return
                elif now - quiet >= 5:
                    quiet = now
                    yield {"type": "ping"}
                with s.lock:
                    s.changed.wait(0.5)  # woken by any change; a change between look and wait waits at most this

        return Stream(frames())

    # listing
    def _jobs(self, q, completed):
        keep = job_filter(q)
        with self.s.lock:
            rows = [j for j in self.s.jobs.values() if (j["_state"] == "completed") == completed and keep(j)]
        by_completion = (q.get("success") == "false" or q.get("status") in ("failure", "canceled")
                         or any(q.get(k) for k in ("completed_after", "completed_before")))
        key = "completed_at" if completed and by_completion else "created_at"
        rows.sort(key=lambda j: j.get(key) or "", reverse=q.get("order_desc", "true") != "false")
        return rows

    def listCompletedJobs(self, r):
        q = r.query
        rows = page(self._jobs(q, True), q)
        return Response(200, [job_view(self.s, j, tagged=False, listed=True, include_args=q.get("include_args") == "true")
                              for j in rows])

    def listJobs(self, r):
        q = r.query
        if (q.get("success") or q.get("status")) and q.get("running") == "true":
            raise ApiError(400, "Bad request: success or status cannot be combined with running=true")
        completed_only = (any(q.get(k) for k in ("success", "status", "label", "result", "created_before",
                                                  "started_before", "completed_before"))
                          or q.get("is_skipped") == "true")
        include_args = q.get("include_args") == "true"
        if completed_only:
            rows = page(self._jobs(q, True), q)
        else:
            per_page = min(int(q.get("per_page") or 1000), 10000)
            queued = self._jobs(q, False)
            if q.get("running") in ("true", "false"):
                queued = [j for j in queued if (j["_state"] == "running") == (q["running"] == "true")]
            done = [] if q.get("running") == "true" else self._jobs(q, True)
            rows = queued[:per_page] + done[:per_page]
            rows.sort(key=lambda j: j["created_at"], reverse=True)
        return Response(200, [job_view(self.s, j, listed=True, include_args=include_args) for j in rows])


# ---- HTTP ------------------------------------------------------------------------------------

class Request:
    def __init__(self, params, query, body, raw):
        self.params = params
        self.query = query
        self.body = body
        self.raw = raw


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "windmill-standin"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    # plumbing
    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, response):
        if isinstance(response, Stream):
            self.send_response(200)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for frame in response.body:
                self.wfile.write(b"data: " + json.dumps(frame).encode() + b"\n\n")
                self.wfile.flush()
            return
        body = response.body
        if response.json:
            data = json.dumps(body).encode()
        else:
            data = body.encode() if isinstance(body, str) else body
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in response.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def dispatch(self):
        split = urlsplit(self.path)
        query = {k: v for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        raw = self.read_body()
        try:
            if split.path.startswith("/__standin/"):
                self.send(self.server.control.handle(self.command, split.path, query, raw))
            elif split.path == "/api" or split.path.startswith("/api/"):
                self.api(split.path, query, raw)
            else:
                self.send(text(404, "Not Found"))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def record(self, path, raw):
        """Log a request; the token is hidden wherever it appears, and where it appears is a violation."""
        s = self.server.store
        token = s.token
        headers, leaks = {}, []
        for name, value in self.headers.items():
            if name.lower() == "authorization":
                headers[name] = "<hidden>"
                if value != f"Bearer {token}" and token in value:
                    leaks.append("Authorization header in another form than `Bearer TOKEN`")
                continue
            if token in value:
                leaks.append(f"header {name}")
            value = value.replace(token, "<token>")
            headers[name] = value if name not in headers else headers[name] + ", " + value
        if token in self.path:
            leaks.append("URL")
        if token.encode() in raw:
            leaks.append("body")
        body = raw.decode("utf-8", "replace").replace(token, "<token>") if raw else None
        with s.lock:
            entry = {"seq": len(s.requests) + 1, "method": self.command, "path": self.path.replace(token, "<token>"),
                     "headers": headers, "body": body, "operation": None, "status": None,
                     "token_elsewhere": bool(leaks)}
            s.requests.append(entry)
        for where in leaks:
            s.violation("token", f"the token appears in the {where}", entry)
        return entry

    def api(self, path, query, raw):
        s, spec_holder = self.server.store, self.server.spec
        entry = self.record(path, raw)
        try:
            response = self.answer(entry, path, query, raw, s, spec_holder)
        except Exception as e:  # a fault of the stand-in itself: say so instead of dropping the connection
            s.violation("stand-in", f"internal error: {e!r}", entry, entry.get("operation"))
            response = text(500, f"Internal: stand-in error: {e!r}")
        if response is None:  # a `drop` fault: close the connection without a word
            s.append("requests.jsonl", entry)
            self.close_connection = True
            return
        entry["status"] = response.status
        s.append("requests.jsonl", entry)
        self.send(response)

    def answer(self, entry, path, query, raw, s, spec_holder):
        fault = s.take_fault(self.command, path)
        if fault:
            entry["fault"] = fault
            if fault.get("delay_ms"):
                time.sleep(fault["delay_ms"] / 1000)
            if fault.get("drop"):
                return None
            if fault.get("html"):
                headers = {"cf-mitigated": "challenge"} if fault.get("cf_challenge") else {}
                return Response(fault.get("status", 200), fault.get("body", HTML_PAGE), "text/html; charset=utf-8",
                                headers)
            if fault.get("status"):
                st = fault["status"]
                return text(st, fault.get("body", STATUS_BODIES.get(st, f"Error {st}")))
        spec = spec_holder.get()
        op, params = spec.route(self.command, path)
        if op is None:
            if params is not None:
                s.violation("unknown-path", f"{self.command} is not an operation of {params.template}", entry)
                return text(405, "Method Not Allowed")
            s.violation("unknown-path", "no operation of the spec has this path", entry)
            return text(404, "Not Found")
        entry["operation"] = op.id
        q1 = {k: v[-1] for k, v in query.items()}
        for problem in spec.check_query(op, query):
            s.violation("query", problem, entry, op.id)
        if not op.public:
            denied = self.auth(s, q1, params)
            if denied:
                return denied
        body = None
        rb = op.op.get("requestBody")
        if rb is None:
            if raw.strip():
                s.violation("request", "the request has a body but the operation takes none", entry, op.id)
        elif not raw.strip():
            if rb.get("required"):
                s.violation("request", "the operation requires a body and none was sent", entry, op.id)
            return text(400, "Bad request: missing body")
        else:
            schema = (rb.get("content", {}).get("application/json") or {}).get("schema")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if ctype != "application/json":
                s.violation("request", f"Content-Type is {ctype!r}, not application/json", entry, op.id)
            try:
                body = json.loads(raw)
            except ValueError as e:
                s.violation("request", f"the body is not JSON: {e}", entry, op.id)
                return text(400, f"Bad request: Failed to deserialize the JSON body: {e}")
            if schema is None:
                s.violation("no-schema", "the operation has no JSON schema for its request body", entry, op.id)
            else:
                for problem in spec.errors(op.id + ".request", schema, body):
                    s.violation("request", problem, entry, op.id)
        handler = getattr(self.server.api_impl, op.id, None)
        if handler is None:
            s.violation("unimplemented", f"the stand-in does not implement {op.id}", entry, op.id)
            return text(404, f"Not found: the stand-in does not implement {op.id}")
        try:
            response = handler(Request(params, q1, body if body is not None else {}, raw))
        except ApiError as e:
            return text(e.status, e.text)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            return text(400, f"Bad request: {type(e).__name__}: {e}")
        self.check_response(s, spec, op, entry, response)
        return response

    def auth(self, s, q1, params):
        header = self.headers.get("Authorization")
        token = None
        if header:
            token = header[7:] if header.startswith("Bearer ") else ""
        elif "token=" in (self.headers.get("Cookie") or ""):
            for part in self.headers["Cookie"].split(";"):
                k, _, v = part.strip().partition("=")
                if k == "token":
                    token = v
        elif "token" in q1:
            token = q1["token"]
        if token is None:
            return text(401, "Unauthorized")
        if token != s.token:
            return text(401, "Not authorized: Unauthorized")
        if "workspace" in params and params["workspace"] != s.workspace:
            return text(401, "Not authorized: Unauthorized")
        return None

    def check_response(self, s, spec, op, entry, response):
        declared = op.op.get("responses", {}).get(str(response.status))
        if declared is None:
            s.violation("response", f"status {response.status} is not a response of the operation", entry, op.id)
            return
        content = declared.get("content") or {}
        media = response.content_type.split(";")[0]
        if media not in content:
            s.violation("no-schema" if not content else "response",
                        f"the spec gives no {media} body for status {response.status}"
                        + (f" (it gives {', '.join(content)})" if content else ""), entry, op.id)
            return
        if isinstance(response, Stream):  # the spec describes an event stream only as a string
            return
        schema = content[media].get("schema")
        if schema is None:
            s.violation("no-schema", f"no schema for the {media} body of status {response.status}", entry, op.id)
            return
        value = response.body
        if not response.json:
            if schema.get("type") == "boolean":
                value = {"true": True, "false": False}.get(value, value)
            elif schema.get("type") in ("integer", "number"):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
        for problem in spec.errors(f"{op.id}.{response.status}.{media}", schema, value):
            s.violation("response", problem, entry, op.id)


# ---- control endpoints -----------------------------------------------------------------------

class Control:
    def __init__(self, store):
        self.s = store

    def handle(self, method, path, query, raw):
        name = path[len("/__standin/"):].strip("/")
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError as e:
            return text(400, f"control body is not JSON: {e}")
        q = {k: v[-1] for k, v in query.items()}
        f = getattr(self, f"{method.lower()}_{name}", None)
        if f is None:
            return text(404, f"no control endpoint {method} {path}")
        try:
            return f(body, q)
        except (KeyError, TypeError, ValueError) as e:
            return text(400, f"bad control request: {type(e).__name__}: {e}")

    def post_reset(self, b, q):
        """Forget everything: items, jobs, rules, faults, requests, violations, clock and config."""
        s = self.s
        with s.lock:
            for name in ("scripts", "scripts_by_hash", "flows", "flow_versions", "variables", "resources", "jobs",
                         "cancels"):
                getattr(s, name).clear()
            for name in ("rules", "faults", "requests", "violations"):
                getattr(s, name).clear()
            s.clock_offset = 0.0
            s.config.update(DEFAULT_CONFIG)
            s.releases += 1
            s.changed.notify_all()
        s.dirty.set()
        return Response(200, True)

    def get_requests(self, b, q):
        with self.s.lock:
            return Response(200, copy.deepcopy(self.s.requests))

    def delete_requests(self, b, q):
        with self.s.lock:
            self.s.requests.clear()
        return Response(200, True)

    def get_violations(self, b, q):
        with self.s.lock:
            return Response(200, copy.deepcopy(self.s.violations))

    def delete_violations(self, b, q):
        with self.s.lock:
            self.s.violations.clear()
        return Response(200, True)

    def _list_endpoint(self, attr, b, required):
        items = b if isinstance(b, list) else [b]
        for item in items:
            for k in required:
                if k not in item:
                    raise KeyError(k)
        with self.s.lock:
            getattr(self.s, attr).extend(items)
        return Response(200, len(items))

    def post_rules(self, b, q):
        return self._list_endpoint("rules", b, ("step",))

    def get_rules(self, b, q):
        return Response(200, self.s.rules)

    def delete_rules(self, b, q):
        with self.s.lock:
            self.s.rules.clear()
        return Response(200, True)

    def post_faults(self, b, q):
        items = b if isinstance(b, list) else [b]
        for f in items:
            f.setdefault("count", 1)
            if not any(k in f for k in ("status", "html", "delay_ms", "drop")):
                raise KeyError("status, html, delay_ms or drop")
        return self._list_endpoint("faults", items, ())

    def get_faults(self, b, q):
        return Response(200, self.s.faults)

    def delete_faults(self, b, q):
        with self.s.lock:
            self.s.faults.clear()
        return Response(200, True)

    def post_variables(self, b, q):
        for v in (b if isinstance(b, list) else [b]):
            self.s.variables[v["path"]] = {"value": v["value"], "is_secret": v.get("is_secret", True),
                                           "forbidden": v.get("forbidden", False)}
        self.s.dirty.set()
        return Response(200, True)

    def post_resources(self, b, q):
        for v in (b if isinstance(b, list) else [b]):
            self.s.resources[v["path"]] = {"value": v["value"], "resource_type": v.get("resource_type", "object"),
                                           "forbidden": v.get("forbidden", False)}
        self.s.dirty.set()
        return Response(200, True)

    def post_release(self, b, q):
        with self.s.lock:
            self.s.releases += 1
            self.s.changed.notify_all()
        return Response(200, True)

    def post_clock(self, b, q):
        self.s.clock_offset = float(b["offset_seconds"])
        return Response(200, self.s.now())

    def post_config(self, b, q):
        for k, v in b.items():
            if k not in self.s.config:
                raise KeyError(k)
            self.s.config[k] = int(v)
        return Response(200, self.s.config)

    def get_jobs(self, b, q):
        with self.s.lock:
            jobs = [{k: copy.deepcopy(v) for k, v in j.items() if k not in ("_t0",)}
                    for j in self.s.jobs.values() if not q.get("id") or j["id"] == q["id"]]
        return Response(200, jobs)

    def get_wait(self, b, q):
        """Block until a job (id=…), or a step job (root=…&step=…), reaches state (default completed)."""
        want = q.get("state", "completed")
        order = {"queued": 0, "running": 1, "completed": 2}
        deadline = time.monotonic() + float(q.get("timeout", 30))
        with self.s.lock:
            while True:
                if q.get("id"):
                    jobs = [self.s.jobs.get(q["id"])]
                else:
                    jobs = [j for j in self.s.jobs.values()
                            if j["_root"] == q.get("root") and j.get("flow_step_id") == q.get("step")]
                jobs = [j for j in jobs if j]
                hit = [j for j in jobs if order[j["_state"]] >= order[want]]
                if hit:
                    return Response(200, {"id": hit[0]["id"], "state": hit[0]["_state"]})
                left = deadline - time.monotonic()
                if left <= 0:
                    return text(408, f"timed out waiting for {want}")
                self.s.changed.wait(left)


# ---- main ------------------------------------------------------------------------------------

class SpecHolder:
    """The spec loads on a thread of its own while the server already listens; requests wait for it."""

    def __init__(self, spec_dir):
        self.ready = threading.Event()
        self.spec = None
        self.error = None
        self.dir = spec_dir
        threading.Thread(target=self._load, daemon=True).start()

    def _load(self):
        try:
            import openapi
            self.spec = openapi.Spec(self.dir)
        except Exception as e:  # reported on every request rather than lost on a thread
            self.error = e
        self.ready.set()

    def get(self):
        self.ready.wait()
        if self.error is not None:
            raise RuntimeError(f"cannot load the spec from {self.dir}: {self.error}")
        return self.spec


def main(argv=None):
    p = argparse.ArgumentParser(description="Stand-in Windmill server for the tests of hops")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--data", required=True, help="folder for state.json, requests.jsonl, violations.jsonl")
    p.add_argument("--token", default=os.environ.get("STANDIN_TOKEN", "standin-token"),
                   help="the token it accepts (default: $STANDIN_TOKEN, else standin-token)")
    p.add_argument("--workspace", default="main")
    a = p.parse_args(argv)

    store = Store(a.workspace, a.token, a.data)
    holder = SpecHolder(SPEC_DIR)
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    server.store = store
    server.spec = holder
    server.control = Control(store)
    server.api_impl = Api(store, holder)

    def stop(*_):
        try:
            store.save()
        finally:
            os._exit(0)

    threading.Thread(target=store.saver, daemon=True).start()

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(65536):
                pass
        except (OSError, ValueError):
            pass
        stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
