"""The stand-in's evaluator of flow expressions."""

import unittest

from expr import UNDEFINED, JsError, Unsupported, evaluate

SCOPE = {
    "flow_input": {"x": 3, "s": "hi", "items": [1, 2], "iter": {"index": 1, "value": "q"}, "odd key": True},
    "results": {"a": {"ok": True, "n": [1, 2]}, "b": None},
    "error": {"step_id": "c", "message": "down"},
}


class StandInExpressionTest(unittest.TestCase):
    def test_stand_in_evaluates_the_supported_forms(self):
        cases = [
            ("flow_input.x", 3), ("results.a", {"ok": True, "n": [1, 2]}), ("results.a.ok", True),
            ("flow_input.iter.value", "q"), ("flow_input.iter.index", 1), ("flow_input['odd key']", True),
            ("results.a.n[1]", 2), ("results.a.n.length", 2), ("flow_input.missing", UNDEFINED),
            ("results.zz?.q", UNDEFINED), ("results.zz?.q ?? 5", 5), ("results.b ?? 'none'", "none"),
            ("flow_input.x === 3 && flow_input.s !== 'ho'", True), ("!results.a.ok || flow_input.x > 2", True),
            ("results.zz && results.zz.q", UNDEFINED), ("flow_input.x >= 4 ? 'big' : 'small'", "small"),
            ("['a', \"b\", 3]", ["a", "b", 3]), ("`at ${error.step_id}: ${error.message}`", "at c: down"),
            ("'n=' + flow_input.x", "n=3"), ("-flow_input.x + 1", -2), ("(flow_input.x)", 3), ("", UNDEFINED),
            ("null == undefined", True), ("null === undefined", False),
        ]
        for text, want in cases:
            with self.subTest(text=text):
                self.assertEqual(evaluate(text, SCOPE), want)

    def test_stand_in_fails_like_javascript_on_undefined(self):
        with self.assertRaisesRegex(JsError, r"Cannot read properties of undefined \(reading 'q'\)"):
            evaluate("results.zz.q", SCOPE)

    def test_stand_in_refuses_what_it_cannot_evaluate(self):
        for text in ("variable('f/x')", "flow_input.items.map(x => x)", "Date.now()", "{a: 1}", "resume"):
            with self.subTest(text=text):
                with self.assertRaises(Unsupported):
                    evaluate(text, SCOPE)


if __name__ == "__main__":
    unittest.main()
