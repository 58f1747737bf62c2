"""Runs flow jobs the way a Windmill worker lays them out, without running any code.

A script step "runs" by looking up a control rule (result, failure, logs, delay, hold) for its
flow path and step id; without one its result is its arguments. Every step, loop iteration and
branch gets its own job, and the flow job's flow_status and raw_flow take the shape described in
WINDMILL-REMOTE.md section 7.
"""

import copy
import json
import threading
import time
import uuid

import expr

NIL_UUID = "00000000-0000-0000-0000-000000000000"
MAX_WHILE = 1000


class StepFailed(Exception):
    """A module failed; error is the `{"error": …}` value it leaves as result."""

    def __init__(self, error, step_id=None):
        super().__init__(error.get("error", {}).get("message", "failed"))
        self.error = error
        self.step_id = step_id


class Canceled(Exception):
    pass


def error_value(message, name="Error", **extra):
    e = {"message": message, "name": name}
    e.update(extra)
    return {"error": e}


class Context:
    """What a flow job needs from the flows around it."""

    def __init__(self, root, rule_flow, node_kind, iters=()):
        self.root = root              # id of the top-level job (cancellation is per tree)
        self.rule_flow = rule_flow    # flow path the control rules are keyed by
        self.node_kind = node_kind    # flownode for deployed flows, flowpreview for previews
        self.iters = iters            # iteration indexes of the enclosing loops, outermost first


class Runner:
    def __init__(self, store):
        self.store = store

    # ---- job records -------------------------------------------------------------------------

    def new_job(self, kind, args, parent=None, script_path=None, **fields):
        s = self.store
        now = s.now()
        job = {
            "id": fields.pop("job_id", None) or str(uuid.uuid4()),
            "workspace_id": s.workspace,
            "created_by": s.user["username"],
            "created_at": now,
            "started_at": None,
            "completed_at": None,
            "success": None,
            "script_path": script_path,
            "args": args,
            "result": None,
            "logs": "",
            "canceled": False,
            "job_kind": kind,
            "permissioned_as": "u/" + s.user["username"],
            "is_flow_step": parent is not None,
            "is_skipped": False,
            "email": s.user["email"],
            "visible_to_owner": True,
            "tag": "flow" if kind in ("flow", "flowpreview", "flownode") else "deno",
            "priority": None,
            "parent_job": parent,
            "_state": "queued",
        }
        job["_root"] = s.jobs[parent]["_root"] if parent else job["id"]
        job.update(fields)
        with s.lock:
            s.jobs[job["id"]] = job
        return job

    def start(self, job):
        with self.store.lock:
            job["_state"] = "running"
            job["started_at"] = self.store.now()
            job["_t0"] = time.monotonic()
            self.store.changed.notify_all()

    def finish(self, job, success, result, canceled=None):
        with self.store.lock:
            if job["started_at"] is None:
                self.start(job)
            job["success"] = success
            job["result"] = result
            job["completed_at"] = self.store.now()
            job["duration_ms"] = int((time.monotonic() - job.pop("_t0")) * 1000)
            if canceled:
                job["canceled"] = True
                job["canceled_by"] = canceled[0]
                job["canceled_reason"] = canceled[1]
            job["_state"] = "completed"
            self.store.changed.notify_all()
        self.store.persist_job(job)

    # ---- top level ---------------------------------------------------------------------------

    def launch(self, job, value, rule_flow):
        """Run a top-level flow job on a thread of its own."""
        ctx = Context(job["id"], rule_flow, "flowpreview" if job["job_kind"] == "flowpreview" else "flownode")
        t = threading.Thread(target=self._run_top, args=(job, value, ctx), daemon=True)
        t.start()

    def _run_top(self, job, value, ctx):
        try:
            self.run_flow(job, value, job["args"], ctx, {})
        except (StepFailed, Canceled):
            pass  # the job is complete and says so
        except Exception as e:  # a bug of the stand-in: fail the job and report it rather than hang
            self.store.violation("stand-in", f"internal error running job {job['id']}: {e!r}")
            if job["_state"] != "completed":
                self.finish(job, False, error_value(f"stand-in internal error: {e!r}", "InternalError"))

    def check_canceled(self, ctx):
        c = self.store.cancels.get(ctx.root)
        if c:
            raise Canceled(c)

    # ---- flows -------------------------------------------------------------------------------

    def run_flow(self, job, value, args, ctx, outer_results):
        """Run the modules of value as flow job `job`; returns (success, result) and completes the job."""
        modules = value.get("modules") or []
        status = {
            "step": 0,
            "modules": [{"type": "WaitingForPriorSteps", "id": m.get("id", "")} for m in modules],
            "failure_module": {"type": "WaitingForPriorSteps", "id": "failure"},
        }
        with self.store.lock:
            job["flow_status"] = status
            job["raw_flow"] = value
        self.start(job)
        results = dict(outer_results)
        previous = args.get("iter", {}).get("value", args) if "iter" in args else args
        try:
            for i, module in enumerate(modules):
                with self.store.lock:
                    status["step"] = i
                self.check_canceled(ctx)
                slot = status["modules"][i]
                try:
                    previous = self.run_module(job, module, slot, args, results, previous, ctx)
                except StepFailed as f:
                    with self.store.lock:
                        if module.get("continue_on_error"):
                            slot["type"] = "Success"
                        elif slot["type"] in ("WaitingForPriorSteps", "InProgress"):
                            slot["type"] = "Failure"  # it failed before a job of its own could say so
                    if not module.get("continue_on_error"):
                        raise
                    previous = f.error
                results[module.get("id")] = previous
                if self.stops(module, args, results, previous):
                    job["_stopped"] = True
                    break
            else:
                with self.store.lock:
                    status["step"] = len(modules)
            self.finish(job, True, previous)
            return True, previous
        except Canceled as c:
            who, reason = c.args[0]
            with self.store.lock:
                for slot in status["modules"]:
                    if slot["type"] == "InProgress":
                        slot["type"] = "Failure"
            err = error_value(f"Job canceled: {reason} by {who}", "Canceled", reason=reason, canceler=who)
            self.finish(job, False, err, canceled=(who, reason))
            raise
        except StepFailed as f:
            result = dict(f.error)
            if f.step_id and "error" in result:
                result["error"] = dict(result["error"], step_id=result["error"].get("step_id", f.step_id))
            failure = value.get("failure_module")
            if failure:
                result = self.run_failure_module(job, failure, status, args, results, result, ctx, f.step_id)
            self.finish(job, False, result)
            raise StepFailed(result, f.step_id) from None

    def stops(self, module, args, results, result):
        """Whether the module's stop_after_if (or, for a loop, stop_after_all_iters_if) ends its flow here;
        with an error_message, the flow fails with it instead."""
        step_id = module.get("id", "")
        for key in ("stop_after_if", "stop_after_all_iters_if"):
            rule = module.get(key)
            if not rule or not rule.get("expr"):
                continue
            if key == "stop_after_if" and (module.get("value") or {}).get("type") in ("forloopflow", "whileloopflow"):
                continue
            scope = self.scope(args, results, result, {"result": result})
            if expr.truthy(self.evaluate(rule["expr"], scope, step_id, key)):
                if rule.get("error_message"):
                    raise StepFailed(error_value(rule["error_message"], "StopAfterIf"), step_id)
                return True
        return False

    def breaks(self, module, args, results, result, slot):
        """Whether a loop's stop_after_if, evaluated on an iteration's result, ends the loop."""
        rule = module.get("stop_after_if")
        if not rule or not rule.get("expr"):
            return False
        step_id = module.get("id", "")
        scope = self.scope(args, results, result, {"result": result})
        if not expr.truthy(self.evaluate(rule["expr"], scope, step_id, "stop_after_if")):
            return False
        if rule.get("error_message"):
            self.set_slot(slot, type="Failure")
            raise StepFailed(error_value(rule["error_message"], "StopAfterIf"), step_id)
        return True

    def run_failure_module(self, job, module, status, args, results, error, ctx, failed_step):
        slot = status["failure_module"]
        with self.store.lock:
            slot["parent_module"] = failed_step or ""
        scope_extra = {"error": error.get("error", error)}
        try:
            return self.run_module(job, module, slot, args, results, error, ctx, scope_extra)
        except StepFailed as f:
            return f.error
        except Canceled:
            return error

    def scope(self, args, results, previous, extra=None):
        s = {"flow_input": args, "results": results, "previous_result": previous}
        if "iter" in args:
            s["iter"] = args["iter"]
        if extra:
            s.update(extra)
        return s

    def transforms(self, transforms, scope, step_id):
        out = {}
        for name, t in (transforms or {}).items():
            kind = t.get("type")
            if kind == "static":
                v = t.get("value")
            elif kind == "javascript":
                v = self.evaluate(t.get("expr", ""), scope, step_id, f"input {name}")
            else:
                raise StepFailed(error_value(f"stand-in: input transform type {kind!r} of {name} is not supported",
                                             "StandInUnsupported"), step_id)
            if v is not expr.UNDEFINED:
                out[name] = v
        return out

    def evaluate(self, text, scope, step_id, what):
        try:
            return expr.evaluate(text, scope)
        except expr.Unsupported as e:
            raise StepFailed(error_value(f"stand-in cannot evaluate {what} `{text}`: {e}", "StandInUnsupported"),
                             step_id) from None
        except expr.JsError as e:
            raise StepFailed(error_value(f"{e} in {what} `{text}`", "ExecutionErr"), step_id) from None

    def set_slot(self, slot, **fields):
        with self.store.lock:
            slot.update(fields)
            self.store.changed.notify_all()

    def run_module(self, job, module, slot, args, results, previous, ctx, extra=None):
        step_id = module.get("id", "")
        value = module.get("value") or {}
        kind = value.get("type")
        scope = self.scope(args, results, previous, extra)
        skip = module.get("skip_if")
        if skip and expr.truthy(self.evaluate(skip.get("expr", ""), scope, step_id, "skip_if")):
            step = self.new_job("identity", {}, job["id"], self.step_path(job, step_id, ctx),
                                flow_step_id=step_id, is_skipped=True)
            self.set_slot(slot, type="InProgress", job=step["id"])
            self.finish(step, True, previous)
            self.set_slot(slot, type="Success", job=step["id"], skipped=True)
            return previous
        if kind in ("rawscript", "script"):
            return self.run_script(job, module, slot, scope, ctx)
        if kind == "identity":
            step = self.new_job("identity", {}, job["id"], self.step_path(job, step_id, ctx), flow_step_id=step_id)
            self.set_slot(slot, type="InProgress", job=step["id"])
            self.finish(step, True, previous)
            self.set_slot(slot, type="Success", job=step["id"])
            return previous
        if kind == "flow":
            return self.run_subflow(job, module, slot, scope, ctx)
        if kind in ("forloopflow", "whileloopflow"):
            return self.run_loop(job, module, slot, args, results, scope, ctx)
        if kind == "branchone":
            return self.run_branchone(job, module, slot, args, results, previous, scope, ctx)
        if kind == "branchall":
            return self.run_branchall(job, module, slot, args, results, previous, ctx)
        err = error_value(f"stand-in: module type {kind!r} of step {step_id} is not supported", "StandInUnsupported")
        self.set_slot(slot, type="Failure", job=NIL_UUID)
        raise StepFailed(err, step_id)

    def step_path(self, job, step_id, ctx):
        base = ctx.rule_flow
        return f"{base}/{step_id}" if base else None

    # ---- scripts -----------------------------------------------------------------------------

    def run_script(self, job, module, slot, scope, ctx):
        step_id = module.get("id", "")
        value = module["value"]
        args = self.transforms(value.get("input_transforms"), scope, step_id)
        if value["type"] == "rawscript":
            kind = "preview" if ctx.node_kind == "flowpreview" else "flowscript"
            fields = dict(language=value.get("language"), tag=value.get("tag") or value.get("language") or "deno",
                          raw_code=value.get("content"))
            path = self.step_path(job, step_id, ctx)
        else:
            script = self.store.script_head(value.get("path", ""), value.get("hash"))
            if script is None:
                self.set_slot(slot, type="Failure", job=NIL_UUID)
                raise StepFailed(error_value(f"Not found: script not found at name {value.get('path')}", "NotFound"),
                                 step_id)
            kind = "script"
            fields = dict(language=script["language"], tag=script.get("tag") or script["language"],
                          script_hash=script["hash"])
            path = script["path"]
        retry = module.get("retry") or {}
        retries = sum(int((retry.get(k) or {}).get("attempts") or 0) for k in ("constant", "exponential"))
        failed = []
        while True:
            step = self.new_job(kind, args, job["id"], path, flow_step_id=step_id, is_retry=bool(failed), **fields)
            self.set_slot(slot, type="InProgress", job=step["id"])
            rule = self.store.rule_for(ctx.rule_flow, step_id, ctx.iters)
            released = self.store.releases  # read before the step shows as running, so no release is missed
            self.start(step)
            try:
                self.wait_rule(rule, ctx, released)
            except Canceled as c:
                who, reason = c.args[0]
                err = error_value(f"Job canceled: {reason} by {who}", "Canceled", reason=reason, canceler=who)
                self.finish(step, False, err, canceled=(who, reason))
                self.set_slot(slot, type="Failure", job=step["id"])
                raise
            logs = rule.get("logs") if rule and "logs" in rule else f"step {step_id}: ran on the stand-in\n"
            with self.store.lock:
                step["logs"] = logs
            if rule and "fail" in rule and len(failed) < rule.get("fail_times", len(failed) + 1):
                err = error_value(str(rule["fail"]), rule.get("error_name", "Error"),
                                  stack=f"Error: {rule['fail']}\n    at main ({step_id})")
                self.finish(step, False, err)
                if len(failed) < retries:  # the step's retry policy runs it again (without waiting)
                    failed.append(step["id"])
                    self.set_slot(slot, failed_retries=list(failed))
                    continue
                self.set_slot(slot, type="Failure", job=step["id"])
                raise StepFailed(err, step_id)
            result = copy.deepcopy(rule["result"]) if rule and "result" in rule else args
            self.finish(step, True, result)
            self.set_slot(slot, type="Success", job=step["id"])
            return result

    def wait_rule(self, rule, ctx, generation):
        """Wait out a rule's delay (else the configured step_delay_ms), or until a release after
        `generation` when the rule holds the step."""
        s = self.store
        rule = rule or {}
        delay = rule.get("delay_ms", s.config["step_delay_ms"])
        if not delay and not rule.get("hold"):
            return
        deadline = time.monotonic() + delay / 1000
        with s.lock:
            while True:
                if s.cancels.get(ctx.root):
                    raise Canceled(s.cancels[ctx.root])
                if rule.get("hold"):
                    if s.releases != generation:
                        return
                    s.changed.wait(1)
                    continue
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                s.changed.wait(left)

    # ---- nested flows ------------------------------------------------------------------------

    def run_subflow(self, job, module, slot, scope, ctx):
        step_id = module.get("id", "")
        value = module["value"]
        args = self.transforms(value.get("input_transforms"), scope, step_id)
        flow = self.store.flows.get(value.get("path", ""))
        if flow is None:
            self.set_slot(slot, type="Failure", job=NIL_UUID)
            raise StepFailed(error_value(f"Not found: flow not found at path {value.get('path')}", "NotFound"), step_id)
        sub_ctx = Context(ctx.root, flow["path"], ctx.node_kind)
        child = self.new_job("flow", args, job["id"], flow["path"], script_hash=f"{flow['version_id']:016x}",
                             flow_step_id=step_id)
        self.set_slot(slot, type="InProgress", job=child["id"])
        try:
            _, result = self.run_flow(child, copy.deepcopy(flow["value"]), args, sub_ctx, {})
        except StepFailed as f:
            self.set_slot(slot, type="Failure", job=child["id"])
            raise StepFailed(f.error, step_id) from None
        self.set_slot(slot, type="Success", job=child["id"])
        return result

    def run_loop(self, job, module, slot, args, results, scope, ctx):
        step_id = module.get("id", "")
        value = module["value"]
        it = value.get("iterator") or {}
        if value["type"] == "whileloopflow":
            items = None
        elif it.get("type") == "static":
            items = it.get("value")
        else:
            items = self.evaluate(it.get("expr", ""), scope, step_id, "iterator")
        if value["type"] == "forloopflow" and not isinstance(items, list):
            self.set_slot(slot, type="Failure", job=NIL_UUID)
            raise StepFailed(error_value(f"Expected an array value in the iterator expression, found: "
                                         f"{json.dumps(None if items is expr.UNDEFINED else items)}",
                                         "ExecutionErr"), step_id)
        body = {"modules": value.get("modules") or []}
        flow_jobs, oks, starts, durations, out = [], [], [], [], []
        iterator = {"index": 0} if items is None else {"index": 0, "itered": items, "itered_len": len(items)}
        self.set_slot(slot, type="InProgress", job=NIL_UUID, iterator=iterator, flow_jobs=flow_jobs,
                      flow_jobs_success=oks, flow_jobs_duration={"started_at": starts, "duration_ms": durations})
        index = -1
        while True:
            index += 1
            if items is not None and index >= len(items):
                break
            if items is None and index >= MAX_WHILE:
                self.set_slot(slot, type="Failure")
                raise StepFailed(error_value(f"stand-in: while loop {step_id} ran {MAX_WHILE} iterations without "
                                             "a stop_after_if ending it", "StandInUnsupported"), step_id)
            item = index if items is None else items[index]
            self.check_canceled(ctx)
            it_args = {k: v for k, v in args.items() if k not in ("iter", "iter_parent")}
            if "iter" in args:
                it_args["iter_parent"] = args["iter"]
            it_args["iter"] = {"index": index, "value": item}
            it_ctx = Context(ctx.root, ctx.rule_flow, ctx.node_kind, ctx.iters + (index,))
            with self.store.lock:
                slot["iterator"]["index"] = index
            child = self.new_job(ctx.node_kind, it_args, job["id"], job["script_path"])
            with self.store.lock:
                flow_jobs.append(child["id"])
                slot["job"] = child["id"]
            try:
                ok, result = self.run_flow(child, copy.deepcopy(body), it_args, it_ctx, results)
                failure = None
            except StepFailed as f:
                ok, result, failure = False, f.error, f
            with self.store.lock:
                oks.append(ok)
                starts.append(child["started_at"])
                durations.append(child["duration_ms"])
            if failure is not None:
                if value.get("skip_failures"):
                    out.append(None)
                    continue
                with self.store.lock:
                    slot.pop("iterator", None)
                self.set_slot(slot, type="Failure")
                raise StepFailed(failure.error, step_id)
            out.append(result)
            if child.get("_stopped") or self.breaks(module, args, results, result, slot):
                break
        with self.store.lock:
            slot.pop("iterator", None)
        self.set_slot(slot, type="Success")
        return out

    def run_branchone(self, job, module, slot, args, results, previous, scope, ctx):
        step_id = module.get("id", "")
        value = module["value"]
        chosen, modules = {"type": "default"}, value.get("default") or []
        for n, branch in enumerate(value.get("branches") or []):
            if expr.truthy(self.evaluate(branch.get("expr", ""), scope, step_id, f"branch {n} condition")):
                chosen, modules = {"type": "branch", "branch": n}, branch.get("modules") or []
                break
        if not modules:
            self.set_slot(slot, type="Success", job=NIL_UUID, branch_chosen=chosen, flow_jobs=[])
            return previous
        child = self.new_job(ctx.node_kind, args, job["id"], job["script_path"])
        self.set_slot(slot, type="InProgress", job=child["id"], branch_chosen=chosen)
        try:
            _, result = self.run_flow(child, {"modules": copy.deepcopy(modules)}, args, ctx, results)
        except StepFailed as f:
            self.set_slot(slot, type="Failure")
            raise StepFailed(f.error, step_id) from None
        self.set_slot(slot, type="Success")
        return result

    def run_branchall(self, job, module, slot, args, results, previous, ctx):
        step_id = module.get("id", "")
        branches = module["value"].get("branches") or []
        flow_jobs, oks, starts, durations, out = [], [], [], [], []
        self.set_slot(slot, type="InProgress", job=NIL_UUID, flow_jobs=flow_jobs, flow_jobs_success=oks,
                      flow_jobs_duration={"started_at": starts, "duration_ms": durations},
                      branchall={"branch": 0, "len": len(branches)})
        for n, branch in enumerate(branches):
            self.check_canceled(ctx)
            b_ctx = Context(ctx.root, ctx.rule_flow, ctx.node_kind, ctx.iters)
            child = self.new_job(ctx.node_kind, args, job["id"], job["script_path"])
            with self.store.lock:
                flow_jobs.append(child["id"])
                slot["job"] = child["id"]
                slot["branchall"]["branch"] = n
            try:
                ok, result = self.run_flow(child, {"modules": copy.deepcopy(branch.get("modules") or [])},
                                           args, b_ctx, results)
                failure = None
            except StepFailed as f:
                ok, result, failure = False, f.error, f
            with self.store.lock:
                oks.append(ok)
                starts.append(child["started_at"])
                durations.append(child["duration_ms"])
            if failure is not None and not branch.get("skip_failure"):
                self.set_slot(slot, type="Failure")
                raise StepFailed(failure.error, step_id)
            out.append(result)
        self.set_slot(slot, type="Success")
        return out
