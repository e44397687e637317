#!/usr/bin/env python3
"""The Airflow DAG (deploy/airflow/dags/fleetlake_daily.py) against `fleetlake plan --json`.

Airflow is not installed here, so the DAG file is imported against a minimal stand-in for the two
classes it uses (DAG, BashOperator), then its tasks, edges, schedule, retries and commands are
checked against the plan the real binary prints. Finally the rendered commands run in dependency
order on a generated sample, as a scheduler would run them for one day. This checks the DAG's
structure and commands, not an Airflow run. Standard library only.

Run by ctest with FLEETLAKE_BINARY and FLEETLAKE_SOURCE_DIR set.
"""

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import types
import unittest

BINARY = os.environ.get("FLEETLAKE_BINARY", "build/fleetlake")
SOURCE_DIR = os.environ.get(
    "FLEETLAKE_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
)
DAG_FILE = os.path.join(SOURCE_DIR, "deploy", "airflow", "dags", "fleetlake_daily.py")
EXAMPLE = os.path.join(SOURCE_DIR, "examples", "door2door.yaml")


class StubDAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = {}


class StubBashOperator:
    def __init__(self, task_id, bash_command, dag, **kwargs):
        if task_id in dag.tasks:
            raise ValueError(f"duplicate task id {task_id}")
        self.task_id = task_id
        self.bash_command = bash_command
        self.kwargs = kwargs
        self.upstream = set()
        self.dag = dag
        dag.tasks[task_id] = self

    def __rshift__(self, other):
        others = other if isinstance(other, list) else [other]
        for o in others:
            o.upstream.add(self.task_id)
        return other


def install_airflow_stub():
    airflow = types.ModuleType("airflow")
    airflow.DAG = StubDAG
    operators = types.ModuleType("airflow.operators")
    bash = types.ModuleType("airflow.operators.bash")
    bash.BashOperator = StubBashOperator
    airflow.operators = operators
    operators.bash = bash
    sys.modules.update(
        {"airflow": airflow, "airflow.operators": operators, "airflow.operators.bash": bash}
    )


def load_dag(plan_path, **env):
    """Imports the DAG file afresh with FLEETLAKE_PLAN (and `env`) set, as a scheduler parse."""
    saved = dict(os.environ)
    os.environ["FLEETLAKE_PLAN"] = plan_path
    os.environ.update(env)
    try:
        spec = importlib.util.spec_from_file_location("fleetlake_daily_under_test", DAG_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.dag
    finally:
        os.environ.clear()
        os.environ.update(saved)


def fleetlake(*args):
    r = subprocess.run([BINARY, *args], capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise AssertionError(f"fleetlake {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return r.stdout


def plan_edges(plan):
    return {(u, t["id"]) for t in plan["tasks"] for u in t["upstream"]}


def dag_edges(dag):
    return {(u, t.task_id) for t in dag.tasks.values() for u in t.upstream}


def topological(dag):
    done, order = set(), []
    while len(order) < len(dag.tasks):
        ready = [t for t in dag.tasks.values() if t.task_id not in done and t.upstream <= done]
        if not ready:
            raise AssertionError("the DAG has a cycle")
        for t in sorted(ready, key=lambda t: t.task_id):
            done.add(t.task_id)
            order.append(t)
    return order


class DagTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        install_airflow_stub()
        cls.tmp = tempfile.TemporaryDirectory(prefix="fleetlake-dag-test-")
        cls.root = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def write_plan(self, name, *plan_args):
        text = fleetlake("plan", *plan_args, "--json")
        path = os.path.join(self.root, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path, json.loads(text)

    def test_tasks_and_edges_match_the_plan(self):
        path, plan = self.write_plan("plan.json", "--config", EXAMPLE)
        dag = load_dag(path)
        self.assertEqual(set(dag.tasks), {t["id"] for t in plan["tasks"]})
        self.assertEqual(dag_edges(dag), plan_edges(plan))
        # The door2door graph, spelled out: a plan bug must not pass by agreeing with itself.
        self.assertEqual(
            dag_edges(dag),
            {
                ("fetch_data", "process_data"),
                ("process_data", "crawl_vehicle"),
                ("process_data", "crawl_operating_period"),
                ("crawl_vehicle", "build_marts"),
                ("crawl_operating_period", "build_marts"),
            },
        )

    def test_schedule_catchup_and_retries(self):
        path, plan = self.write_plan("plan.json", "--config", EXAMPLE)
        dag = load_dag(path)
        self.assertEqual(dag.dag_id, "fleetlake_daily")
        self.assertEqual(dag.kwargs["schedule"], "@daily")
        self.assertIs(dag.kwargs["catchup"], True)
        self.assertEqual(dag.kwargs["max_active_runs"], 1)
        args = dag.kwargs["default_args"]
        self.assertEqual(args["retries"], plan["retries"])
        self.assertGreaterEqual(args["retries"], 1)
        self.assertGreater(args["retry_delay"].total_seconds(), 0)
        self.assertIs(args["depends_on_past"], False)

    def test_commands_are_the_plan_args_with_the_logical_date(self):
        path, plan = self.write_plan(
            "plan.json", "--config", EXAMPLE, "--set", "lake.uri=s3://my bucket/it's"
        )
        dag = load_dag(path, FLEETLAKE_BIN="/opt/fleetlake/bin/fleetlake")
        for t in plan["tasks"]:
            argv = shlex.split(dag.tasks[t["id"]].bash_command)
            self.assertEqual(argv, ["/opt/fleetlake/bin/fleetlake"] + t["args"])
            self.assertIn("lake.uri=s3://my bucket/it's", argv)
            if t["command"] != "marts":
                self.assertEqual(argv[argv.index("--date") + 1], "{{ ds }}")

    def test_a_new_entity_is_a_new_task_without_editing_the_dag(self):
        with open(EXAMPLE, encoding="utf-8") as f:
            text = f.read()
        station = (
            "  - name: station\n"
            "    match: {on: station}\n"
            "    required: [event, on, at]\n"
            "    unique_key: [event, at]\n"
            "    columns:\n"
            "      - {name: event, path: event, type: string}\n"
            "      - {name: event_at, path: at, type: timestamp}\n"
            "    partition_by: {column: event_at, granularity: day, name: event_date}\n\n"
        )
        self.assertIn("\nmarts:", text)
        config = os.path.join(self.root, "three.yaml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(text.replace("\nmarts:", "\n" + station + "marts:", 1))
        path, plan = self.write_plan("three.json", "--config", config)
        dag = load_dag(path)
        self.assertIn("crawl_station", dag.tasks)
        self.assertEqual(dag.tasks["crawl_station"].upstream, {"process_data"})
        self.assertIn("crawl_station", dag.tasks["build_marts"].upstream)
        self.assertEqual(dag_edges(dag), plan_edges(plan))

    def test_no_aws_keys_in_code_and_connection_only_by_template(self):
        with open(DAG_FILE, encoding="utf-8") as f:
            source = f.read()
        self.assertIsNone(re.search(r"(AKIA|ASIA)[0-9A-Z]{16}", source))
        self.assertIsNone(re.search(r"[A-Za-z0-9/+]{40}", source))  # secret-key shaped
        path, _ = self.write_plan("plan.json", "--config", EXAMPLE)
        self.assertIsNone(load_dag(path).tasks["fetch_data"].kwargs["env"])
        dag = load_dag(path, FLEETLAKE_AWS_CONN_ID="fleetlake_aws")
        for t in dag.tasks.values():
            env = t.kwargs["env"]
            self.assertEqual(env["AWS_ACCESS_KEY_ID"], "{{ conn.fleetlake_aws.login }}")
            self.assertEqual(env["AWS_SECRET_ACCESS_KEY"], "{{ conn.fleetlake_aws.password }}")
            self.assertIs(t.kwargs["append_env"], True)

    def test_rendered_commands_run_one_day_in_dependency_order(self):
        src = os.path.join(self.root, "source")
        fleetlake("generate", "--out", src, "--days", "1", "--vehicles", "4", "--seed", "5",
                  "--start", "2019-06-01")
        sets = ["source.uri=" + src, "lake.uri=" + os.path.join(self.root, "lake"),
                "warehouse.path=" + os.path.join(self.root, "w.duckdb")]
        plan_args = ["--config", EXAMPLE]
        for s in sets:
            plan_args += ["--set", s]
        path, _ = self.write_plan("run.json", *plan_args)
        dag = load_dag(path, FLEETLAKE_BIN=BINARY)
        for task in topological(dag):
            # What Jinja makes of the template for the run of 2019-06-01.
            command = task.bash_command.replace("{{ ds }}", "2019-06-01")
            r = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                               check=False)
            self.assertEqual(r.returncode, 0, f"{task.task_id}: {command}\n{r.stderr}")
        out = fleetlake("sql", "--config", EXAMPLE, *sum([["--set", s] for s in sets], []),
                        "--format", "csv", "SELECT count(*) FROM operating_period_distance")
        self.assertGreater(int(out.strip().splitlines()[-1]), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
