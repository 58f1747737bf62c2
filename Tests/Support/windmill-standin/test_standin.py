"""Self-test of the stand-in Windmill server: it is started on a free loopback port per test."""

import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request
from pathlib import Path

STANDIN = Path(__file__).resolve().parent / "standin.py"
TOKEN = "tok-3f9a1c7e"
WS = "main"


class StandIn:
    """A running stand-in; closing its standard input stops it."""

    def __init__(self, data=None):
        self.dir = data or tempfile.mkdtemp(prefix="standin-")
        self.proc = subprocess.Popen(
            [sys.executable, str(STANDIN), "--port", "0", "--data", self.dir, "--token", TOKEN, "--workspace", WS],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"stand-in did not start: {line!r} {self.proc.stderr.read()}")
        self.base = line.split()[-1]

    def close(self, keep=False):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        return code

    def request(self, method, path, body=None, token=TOKEN, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token is not None:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def api(self, method, path, body=None, expect=200):
        status, headers, text = self.request(method, "/api/w/" + WS + path, body)
        if status != expect:
            raise AssertionError(f"{method} {path}: {status} {text}")
        return json.loads(text) if headers.get_content_type() == "application/json" else text

    def control(self, method, name, body=None):
        status, _, text = self.request(method, "/__standin/" + name, body, token=None)
        if status != 200:
            raise AssertionError(f"control {name}: {status} {text}")
        return json.loads(text)


def step(id_, value, **extra):
    return dict(id=id_, value=value, **extra)


def raw(expr_inputs, content="export function main() {}"):
    return {"type": "rawscript", "language": "deno", "content": content,
            "input_transforms": {k: {"type": "javascript", "expr": v} for k, v in expr_inputs.items()}}


NESTED_FLOW = {
    "summary": "nested", "value": {"modules": [
        step("a", {"type": "script", "path": "f/t/echo", "input_transforms": {
            "x": {"type": "javascript", "expr": "flow_input.x"}, "k": {"type": "static", "value": "kept"}}}),
        step("b", raw({"from_a": "results.a.x"})),
        step("loop", {"type": "forloopflow", "skip_failures": False,
                      "iterator": {"type": "javascript", "expr": "flow_input.items"},
                      "modules": [step("each", raw({"item": "flow_input.iter.value", "i": "flow_input.iter.index"}))]}),
        step("pick", {"type": "branchone", "default": [step("other", {"type": "identity"})], "branches": [
            {"expr": "flow_input.x === 1", "modules": [step("one", raw({"n": "results.b.from_a"}))]}]}),
        step("both", {"type": "branchall", "branches": [
            {"modules": [step("left", raw({"side": "flow_input.x"}))]},
            {"modules": [step("right", raw({"side": "results.loop.length"}))]}]}),
        step("sub", {"type": "flow", "path": "f/t/child", "input_transforms": {
            "v": {"type": "javascript", "expr": "results.a.k"}}}),
    ]},
    "schema": {"type": "object", "properties": {}},
}

CHILD_FLOW = {"summary": "child", "value": {"modules": [step("c1", raw({"got": "flow_input.v"}))]}}


class StandInTest(unittest.TestCase):
    """One stand-in for the class, reset before each test."""

    @classmethod
    def setUpClass(cls):
        cls.w = StandIn()

    @classmethod
    def tearDownClass(cls):
        assert cls.w.close() == 0, "the stand-in did not exit cleanly when its input closed"

    def setUp(self):
        self.w.control("POST", "reset")

    def tearDown(self):
        violations = self.w.control("GET", "violations")
        self.assertEqual(violations, [], "the stand-in saw requests or gave responses out of spec")

    def push(self):
        w = self.w
        h = w.api("POST", "/scripts/create", {"path": "f/t/echo", "summary": "echo", "description": "",
                                               "content": "export function main(x) { return x }",
                                               "language": "deno", "schema": {}}, expect=201)
        self.assertRegex(h, r"^[0-9a-f]{16}$")
        self.assertEqual(w.api("POST", "/flows/create", dict(CHILD_FLOW, path="f/t/child"), expect=201), "f/t/child")
        self.assertEqual(w.api("POST", "/flows/create", dict(NESTED_FLOW, path="f/t/nested"), expect=201), "f/t/nested")
        return h

    def run_and_wait(self, path, args):
        job = self.w.api("POST", "/jobs/run/f/" + path, args, expect=201)
        self.assertEqual(self.w.control("GET", f"wait?id={job}")["state"], "completed")
        return job

    def test_standin_version_whoami_and_401(self):
        w = self.w
        status, headers, text = w.request("GET", "/api/version", token=None)
        self.assertEqual((status, text), (200, "CE v1.743.0"))
        self.assertEqual(w.api("GET", "/users/whoami")["username"], "admin")
        status, headers, text = w.request("GET", "/api/w/main/users/whoami", token=None)
        self.assertEqual((status, headers.get_content_type(), text), (401, "text/plain", "Unauthorized"))
        status, _, text = w.request("GET", "/api/w/main/users/whoami", token="wrong")
        self.assertEqual((status, text), (401, "Not authorized: Unauthorized"))
        status, _, text = w.request("GET", "/api/w/elsewhere/users/whoami")
        self.assertEqual(status, 401)
        self.assertEqual(w.request("GET", "/api/workspaces/users")[0], 200)

    def test_standin_push_is_kept_and_versioned(self):
        w = self.w
        h1 = self.push()
        self.assertTrue(w.api("GET", "/scripts/exists/p/f/t/echo"))
        self.assertFalse(w.api("GET", "/flows/exists/f/t/none"))
        got = w.api("GET", "/scripts/get/p/f/t/echo")
        self.assertEqual((got["hash"], got["content"]), (h1, "export function main(x) { return x }"))
        status, _, text = w.request("POST", "/api/w/main/scripts/create",
                                    {"path": "f/t/echo", "summary": "", "content": "x", "language": "deno"})
        self.assertEqual(status, 400)
        self.assertIn("Path conflict", text)
        same = w.api("POST", "/scripts/create?skip_if_noop=true", {
            "path": "f/t/echo", "summary": "echo", "description": "", "content": "export function main(x) { return x }",
            "language": "deno", "schema": {}, "parent_hash": h1, "auto_parent": True}, expect=201)
        self.assertEqual(same, h1)
        h2 = w.api("POST", "/scripts/create", {"path": "f/t/echo", "summary": "echo 2", "content": "changed",
                                                "language": "deno", "parent_hash": h1}, expect=201)
        self.assertNotEqual(h2, h1)
        self.assertEqual(w.api("GET", f"/scripts/get/h/{h1}")["content"], "export function main(x) { return x }")
        self.assertEqual(w.api("GET", "/scripts/get/p/f/t/echo")["parent_hashes"], [h1])
        v1 = w.api("GET", "/flows/get/f/t/child")["version_id"]
        w.api("POST", "/flows/update/f/t/child", dict(CHILD_FLOW, path="f/t/child", summary="child 2"))
        flow = w.api("GET", "/flows/get/f/t/child")
        self.assertEqual((flow["summary"], flow["version_id"] > v1), ("child 2", True))
        self.assertEqual(w.api("GET", f"/flows/get/v/{v1}")["summary"], "child")
        self.assertEqual([f["path"] for f in w.api("GET", "/flows/list?path_start=f/t/")], ["f/t/child", "f/t/nested"])
        self.assertEqual(w.request("POST", "/api/w/main/flows/create", dict(CHILD_FLOW, path="f/t/child"))[0], 400)
        self.assertEqual(w.request("GET", "/api/w/main/flows/get/f/t/none")[0], 404)

    def test_standin_runs_nested_flow_with_a_job_per_step(self):
        w = self.w
        self.push()
        job_id = self.run_and_wait("f/t/nested", {"x": 1, "items": ["p", "q"]})
        job = w.api("GET", f"/jobs_u/get/{job_id}")
        self.assertEqual((job["type"], job["success"], job["job_kind"], job["script_path"]),
                         ("CompletedJob", True, "flow", "f/t/nested"))
        mods = {m["id"]: m for m in job["flow_status"]["modules"]}
        self.assertEqual([m["type"] for m in job["flow_status"]["modules"]], ["Success"] * 6)
        self.assertEqual([m["id"] for m in job["raw_flow"]["modules"]], list(mods))
        a = w.api("GET", f"/jobs_u/get/{mods['a']['job']}")
        self.assertEqual((a["args"], a["result"], a["job_kind"], a["parent_job"]),
                         ({"x": 1, "k": "kept"}, {"x": 1, "k": "kept"}, "script", job_id))
        self.assertEqual(w.api("GET", f"/jobs_u/get/{mods['b']['job']}")["script_path"], "f/t/nested/b")
        loop = mods["loop"]
        self.assertEqual((len(loop["flow_jobs"]), loop["flow_jobs_success"]), (2, [True, True]))
        it = w.api("GET", f"/jobs_u/get/{loop['flow_jobs'][1]}")
        self.assertEqual((it["job_kind"], it["args"]["iter"]), ("flownode", {"index": 1, "value": "q"}))
        each = w.api("GET", f"/jobs_u/get/{it['flow_status']['modules'][0]['job']}")
        self.assertEqual(each["args"], {"item": "q", "i": 1})
        self.assertEqual(mods["pick"]["branch_chosen"], {"type": "branch", "branch": 0})
        self.assertEqual(len(mods["both"]["flow_jobs"]), 2)
        sub = w.api("GET", f"/jobs_u/get/{mods['sub']['job']}")
        self.assertEqual((sub["job_kind"], sub["script_path"], sub["result"]), ("flow", "f/t/child", {"got": "kept"}))
        self.assertEqual(job["result"], {"got": "kept"})
        result = w.api("GET", f"/jobs_u/completed/get_result/{mods['both']['job']}")
        self.assertEqual(result, {"side": 2})
        updates = w.api("GET", f"/jobs_u/getupdate/{job_id}?running=false&log_offset=0")
        self.assertEqual((updates["completed"], updates["running"]), (True, False))
        logs = w.api("GET", f"/jobs_u/get_logs/{mods['a']['job']}?remove_ansi_warnings=true")
        self.assertEqual(logs, "step a: ran on the stand-in\n")
        listed = w.api("GET", "/jobs/completed/list?job_kinds=flow&has_null_parent=true&success=true"
                              "&script_path_exact=f/t/nested&per_page=10")
        self.assertEqual([j["id"] for j in listed], [job_id])
        self.assertNotIn("result", listed[0])
        union = w.api("GET", "/jobs/list?job_kinds=flow&script_path_exact=f/t/nested")
        self.assertEqual([(j["id"], j["type"]) for j in union], [(job_id, "CompletedJob")])

    def test_standin_fails_a_step_and_runs_the_failure_module(self):
        w = self.w
        self.push()
        w.control("POST", "rules", {"flow": "f/t/nested", "step": "each", "iteration": 1, "fail": "boom"})
        job_id = self.run_and_wait("f/t/nested", {"x": 2, "items": ["p", "q", "r"]})
        job = w.api("GET", f"/jobs_u/get/{job_id}")
        self.assertFalse(job["success"])
        self.assertEqual(job["result"]["error"]["message"], "boom")
        self.assertEqual(job["result"]["error"]["step_id"], "each")
        types = [m["type"] for m in job["flow_status"]["modules"]]
        self.assertEqual(types, ["Success", "Success", "Failure", "WaitingForPriorSteps",
                                 "WaitingForPriorSteps", "WaitingForPriorSteps"])
        loop = job["flow_status"]["modules"][2]
        self.assertEqual(loop["flow_jobs_success"], [True, False])
        failed = w.api("GET", "/jobs/completed/list?success=false&job_kinds=flow&has_null_parent=true")
        self.assertEqual([j["id"] for j in failed], [job_id])
        ok = w.api("GET", "/jobs/completed/list?success=true&job_kinds=flow&has_null_parent=true")
        self.assertEqual(ok, [])

        w.api("POST", "/flows/create", {"path": "f/t/typo", "summary": "", "value": {"modules": [
            step("s", raw({"x": "results.nothing.here"}))]}}, expect=201)
        job = w.api("GET", f"/jobs_u/get/{self.run_and_wait('f/t/typo', {})}")
        self.assertEqual(job["flow_status"]["modules"][0]["type"], "Failure")
        self.assertEqual(job["result"]["error"]["message"], "TypeError: Cannot read properties of undefined "
                                                            "(reading 'here') in input x `results.nothing.here`")

        flow = dict(CHILD_FLOW, path="f/t/guarded")
        flow["value"] = dict(flow["value"], failure_module=step("failure", raw({"msg": "error.message"})))
        w.api("POST", "/flows/create", flow, expect=201)
        w.control("POST", "rules", {"flow": "f/t/guarded", "step": "c1", "fail": "down"})
        job = w.api("GET", f"/jobs_u/get/{self.run_and_wait('f/t/guarded', {'v': 1})}")
        self.assertEqual((job["success"], job["result"]), (False, {"msg": "down"}))
        fm = job["flow_status"]["failure_module"]
        self.assertEqual((fm["type"], fm["parent_module"]), ("Success", "c1"))

    def test_standin_stops_loops_and_flows_early(self):
        w = self.w
        body = [step("tick", raw({"i": "flow_input.iter.index"}),
                     stop_after_if={"expr": "result.i === 2", "skip_if_stopped": False})]
        flow = {"summary": "loops", "value": {"modules": [
            step("w", {"type": "whileloopflow", "skip_failures": False, "modules": body}),
            step("f", {"type": "forloopflow", "skip_failures": False, "modules": [step("e", raw({"v": "flow_input.iter.value"}))],
                       "iterator": {"type": "static", "value": [1, 2, 3]}},
                 stop_after_if={"expr": "result.v >= 2"}),
            step("end", raw({"n": "results.f.length"}), stop_after_if={"expr": "result.n === 2"}),
            step("never", raw({})),
        ]}}
        w.api("POST", "/flows/create", dict(flow, path="f/t/loops"), expect=201)
        job = w.api("GET", f"/jobs_u/get/{self.run_and_wait('f/t/loops', {})}")
        self.assertEqual((job["success"], job["result"]), (True, {"n": 2}))
        mods = job["flow_status"]["modules"]
        self.assertEqual([len(m.get("flow_jobs", [])) for m in mods[:2]], [3, 2])
        self.assertEqual([m["type"] for m in mods], ["Success", "Success", "Success", "WaitingForPriorSteps"])

    def test_standin_retries_a_failing_step_as_its_retry_policy_says(self):
        w = self.w
        flow = {"summary": "retry", "value": {"modules": [
            step("flaky", raw({"x": "flow_input.x"}), retry={"constant": {"attempts": 2, "seconds": 1}}),
            step("doomed", raw({}), retry={"constant": {"attempts": 1, "seconds": 1}})]}}
        w.api("POST", "/flows/create", dict(flow, path="f/t/retry"), expect=201)
        w.control("POST", "rules", [{"flow": "f/t/retry", "step": "flaky", "fail": "blip", "fail_times": 2},
                                    {"flow": "f/t/retry", "step": "doomed", "fail": "no"}])
        job = w.api("GET", f"/jobs_u/get/{self.run_and_wait('f/t/retry', {'x': 1})}")
        flaky, doomed = job["flow_status"]["modules"]
        self.assertEqual((flaky["type"], len(flaky["failed_retries"])), ("Success", 2))
        self.assertEqual((doomed["type"], len(doomed["failed_retries"])), ("Failure", 1))
        first = w.api("GET", f"/jobs_u/get/{flaky['failed_retries'][0]}")
        last = w.api("GET", f"/jobs_u/get/{flaky['job']}")
        self.assertEqual((first["success"], first.get("is_retry"), last["success"], last["is_retry"]),
                         (False, False, True, True))
        self.assertEqual(job["result"]["error"]["message"], "no")

    def test_standin_truncates_big_values_in_job_views(self):
        w = self.w
        self.push()
        big = "x" * 100_000
        job_id = self.run_and_wait("f/t/child", {"v": big})
        job = w.api("GET", f"/jobs_u/get/{job_id}")
        self.assertEqual((job["args"], job["result"]), ({"reason": "WINDMILL_TOO_BIG"}, "WINDMILL_TOO_BIG"))
        self.assertEqual(w.api("GET", f"/jobs_u/completed/get_result/{job_id}"), {"got": big})
        self.assertEqual(w.api("GET", f"/jobs_u/get_args/{job_id}"), {"v": big})
        self.assertEqual(w.api("GET", f"/jobs_u/completed/get/{job_id}")["result"], "WINDMILL_TOO_BIG")

    def test_standin_preview_hold_and_cancel(self):
        w = self.w
        w.control("POST", "rules", {"flow": "u/me/draft", "step": "c1", "hold": True})
        job_id = w.api("POST", "/jobs/run/preview_flow",
                       {"value": CHILD_FLOW["value"], "path": "u/me/draft", "args": {"v": 3}}, expect=201)
        self.assertEqual(w.control("GET", f"wait?root={job_id}&step=c1&state=running")["state"], "running")
        running = w.api("GET", f"/jobs_u/get/{job_id}")
        self.assertEqual((running["type"], running["running"], running["job_kind"]), ("QueuedJob", True, "flowpreview"))
        self.assertEqual(running["flow_status"]["modules"][0]["type"], "InProgress")
        w.api("POST", f"/jobs_u/queue/cancel/{job_id}", {"reason": "stop"})
        w.control("GET", f"wait?id={job_id}")
        done = w.api("GET", f"/jobs_u/get/{job_id}")
        self.assertEqual((done["success"], done["canceled"], done["canceled_reason"]), (False, True, "stop"))

    def test_standin_runs_every_step_for_the_configured_time(self):
        w = self.w
        self.push()
        w.control("POST", "config", {"step_delay_ms": 600_000})
        job_id = w.api("POST", "/jobs/run/f/f/t/child", {"v": 1}, expect=201)
        step_id = w.control("GET", f"wait?root={job_id}&step=c1&state=running")["id"]
        self.assertEqual(w.api("GET", f"/jobs_u/get/{step_id}")["type"], "QueuedJob")
        updates = w.api("GET", f"/jobs_u/getupdate/{job_id}?running=true&log_offset=0")
        self.assertEqual((updates["running"], updates["completed"]), (True, False))
        w.api("POST", f"/jobs_u/queue/cancel/{job_id}", {"reason": "enough"})
        self.assertEqual(w.control("GET", f"wait?id={step_id}")["state"], "completed")
        self.assertTrue(w.api("GET", f"/jobs_u/get/{step_id}")["canceled"])

    def test_standin_streams_updates_as_server_sent_events(self):
        w = self.w
        self.push()
        w.control("POST", "rules", {"flow": "f/t/child", "step": "c1", "hold": True, "logs": "working\n"})
        job_id = w.api("POST", "/jobs/run/f/f/t/child", {"v": 1}, expect=201)
        w.control("GET", f"wait?root={job_id}&step=c1&state=running")
        req = urllib.request.Request(f"{w.base}/api/w/main/jobs_u/getupdate_sse/{job_id}?log_offset=0",
                                     headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(req, timeout=60) as stream:
            self.assertEqual(stream.headers.get_content_type(), "text/event-stream")
            frames = []
            for line in stream:
                if line.startswith(b"data: "):
                    frames.append(json.loads(line[6:]))
                    if len(frames) == 1:
                        self.assertEqual((frames[0]["type"], frames[0]["running"]), ("update", True))
                        self.assertEqual(frames[0]["flow_status"]["modules"][0]["type"], "InProgress")
                        w.control("POST", "release")
        last = frames[-1]
        self.assertEqual((last["completed"], last["job"]["id"], last["job"]["success"]), (True, job_id, True))

    def test_standin_faults_answer_in_order(self):
        w = self.w
        w.control("POST", "faults", [{"status": 503}, {"html": True, "cf_challenge": True}, {"status": 500}])
        self.assertEqual(w.request("GET", "/api/version")[0], 503)
        status, headers, text = w.request("GET", "/api/version")
        self.assertEqual((status, headers.get_content_type(), headers["cf-mitigated"]), (200, "text/html", "challenge"))
        self.assertEqual(w.request("GET", "/api/version")[0:3:2], (500, "Internal: stand-in fault"))
        w.control("POST", "faults", {"drop": True, "path_contains": "/version"})
        with self.assertRaises((urllib.error.URLError, ConnectionError, http.client.HTTPException)):
            w.request("GET", "/api/version")
        w.control("POST", "faults", {"delay_ms": 50, "status": 404})
        self.assertEqual(w.request("GET", "/api/w/main/users/whoami")[0], 404)
        self.assertEqual(w.request("GET", "/api/version")[0], 200)

    def test_standin_records_requests_without_the_token(self):
        w = self.w
        self.push()
        requests = w.control("GET", "requests")
        self.assertEqual([r["operation"] for r in requests], ["createScript", "createFlow", "createFlow"])
        self.assertEqual(requests[0]["headers"]["Authorization"], "<hidden>")
        self.assertEqual(json.loads(requests[0]["body"])["path"], "f/t/echo")
        self.assertNotIn(TOKEN, json.dumps(requests))
        self.assertFalse(any(r["token_elsewhere"] for r in requests))
        w.request("GET", f"/api/w/main/flows/list?token={TOKEN}")
        violations = w.control("GET", "violations")
        self.assertEqual(sorted(v["kind"] for v in violations), ["query", "token"])
        self.assertNotIn(TOKEN, json.dumps([violations, w.control("GET", "requests")]))
        self.assertTrue(w.control("GET", "requests")[-1]["token_elsewhere"])
        w.control("DELETE", "violations")

    def test_standin_reports_out_of_spec_requests(self):
        w = self.w
        w.request("POST", "/api/w/main/flows/create", {"path": "f/t/bad", "value": {"modules": [{"id": "x"}]}})
        w.request("GET", "/api/w/main/jobs/completed/list?success=maybe")
        w.request("GET", "/api/w/main/no/such/route")
        violations = w.control("GET", "violations")
        kinds = sorted({v["kind"] for v in violations})
        self.assertEqual(kinds, ["query", "request", "unknown-path"])
        self.assertTrue(any("summary" in v["message"] for v in violations), violations)
        w.control("DELETE", "violations")

    def test_standin_lists_runs_by_age_and_pages_like_windmill(self):
        w = self.w
        self.push()
        w.control("POST", "clock", {"offset_seconds": -3 * 86400})
        old = self.run_and_wait("f/t/child", {"v": "old"})
        w.control("POST", "clock", {"offset_seconds": 0})
        new = self.run_and_wait("f/t/child", {"v": "new"})
        listed = w.api("GET", "/jobs/completed/list?job_kinds=flow&has_null_parent=true")
        self.assertEqual([j["id"] for j in listed], [new, old])
        recent = w.api("GET", "/jobs/completed/list?job_kinds=flow&created_after=" +
                       w.api("GET", f"/jobs_u/get/{new}")["created_at"][:10] + "T00:00:00Z")
        self.assertEqual([j["id"] for j in recent], [new])
        self.assertEqual(len(w.api("GET", "/jobs/completed/list?job_kinds=flow,script&per_page=1&page=2")), 1)
        steps = w.api("GET", f"/jobs/completed/list?parent_job={new}&include_args=true")
        self.assertEqual([(j["job_kind"], j["args"]) for j in steps], [("flowscript", {"got": "new"})])
        self.assertEqual(len(w.api("GET", "/jobs/list?job_kinds=!flow")), 2)

    def test_standin_serves_variables_and_resources(self):
        w = self.w
        w.control("POST", "variables", [{"path": "f/t/pw", "value": "hunter2"},
                                        {"path": "f/t/hidden", "value": "x", "forbidden": True}])
        w.control("POST", "resources", {"path": "f/t/db", "value": {"password": "$var:f/t/pw", "port": 5432}})
        self.assertEqual(w.api("GET", "/variables/get_value/f/t/pw"), "hunter2")
        self.assertEqual(w.api("GET", "/resources/get_value/f/t/db"), {"password": "$var:f/t/pw", "port": 5432})
        self.assertEqual(w.api("GET", "/resources/get_value_interpolated/f/t/db"), {"password": "hunter2", "port": 5432})
        self.assertEqual(w.request("GET", "/api/w/main/variables/get_value/f/t/none")[0], 404)
        self.assertEqual(w.request("GET", "/api/w/main/variables/get_value/f/t/hidden")[0], 401)



class StandInRestartTest(unittest.TestCase):
    def test_standin_keeps_its_state_in_the_data_folder(self):
        first = StandIn()
        first.api("POST", "/flows/create", dict(CHILD_FLOW, path="f/t/child"), expect=201)
        job = first.api("POST", "/jobs/run/f/f/t/child", {"v": 1}, expect=201)
        first.control("GET", f"wait?id={job}")
        self.assertEqual(first.close(keep=True), 0)
        second = StandIn(first.dir)
        try:
            self.assertEqual(second.api("GET", "/flows/get/f/t/child")["summary"], "child")
            self.assertEqual(second.api("GET", f"/jobs_u/completed/get_result/{job}"), {"got": 1})
            self.assertEqual(second.control("GET", "violations"), [])
        finally:
            self.assertEqual(second.close(), 0)


if __name__ == "__main__":
    unittest.main()
