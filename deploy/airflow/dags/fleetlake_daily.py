"""fleetlake, daily: one DAG run per day, each task one fleetlake CLI command.

The tasks come from `fleetlake plan --json`, generated at deploy time next to this file:

    fleetlake plan --config /etc/fleetlake/fleetlake.yaml \
        --set lake.uri=s3://BUCKET/lake --json > dags/fleetlake_plan.json

(or point FLEETLAKE_PLAN at the file). The DAG reads that JSON when the scheduler parses it; it
never runs the binary at parse time, so the scheduler needs neither fleetlake nor the config. A new
entity in the config is a new `crawl_<entity>` task after re-running the command above: no edit
here. The graph for the door2door config:

    fetch_data >> process_data >> [crawl_vehicle, crawl_operating_period] >> build_marts

Each task runs `fleetlake <command> ... --date {{ ds }}` (marts rebuilds from the whole warehouse
and takes no date), so a DAG run processes exactly its logical day and catchup/backfill
(`airflow dags backfill -s 2019-06-01 -e 2019-06-30 fleetlake_daily`) re-runs past days; every
fleetlake task is idempotent.

Credentials: none in code. fleetlake reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN / AWS_REGION (or AWS_PROFILE) from its environment. Set FLEETLAKE_AWS_CONN_ID to
an Airflow connection id (type aws: login = key id, password = secret) and the DAG passes that
connection to the task's environment at run time through templates; leave it empty and the
worker's own environment is used.

Warehouse lock: the local DuckDB warehouse admits one writer process. Standalone fleetlake tasks
wait up to 10 minutes for the lake lock (`<warehouse>.lock`) instead of failing, so the parallel
crawl tasks of one run queue up; max_active_runs=1 keeps backfills from piling up on it. In the
cloud the query engine is Athena over the same Parquet (`fleetlake ddl --target athena`), which
needs no crawl at all.

KubernetesPodOperator variant (one pod per task, the image built from deploy/Dockerfile):

    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
    KubernetesPodOperator(
        task_id=task["id"], name=task["id"].replace("_", "-"),
        image="REGISTRY/fleetlake:0.1.0", cmds=["fleetlake"], arguments=task["args"],
        service_account_name="fleetlake",  # IRSA / workload identity: no keys anywhere
        env_vars={"AWS_REGION": "eu-west-1"}, get_logs=True)

The pod's arguments are templated like bash_command, so "{{ ds }}" works the same. The warehouse
file must then live on a ReadWriteOnce volume shared by the tasks of a run, or skip the crawl and
marts tasks and query with Athena.
"""

import json
import os
import shlex
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

DAG_ID = "fleetlake_daily"
PLAN_PATH = os.environ.get(
    "FLEETLAKE_PLAN", os.path.join(os.path.dirname(os.path.abspath(__file__)), "fleetlake_plan.json")
)
FLEETLAKE_BIN = os.environ.get("FLEETLAKE_BIN", "fleetlake")
AWS_CONN_ID = os.environ.get("FLEETLAKE_AWS_CONN_ID", "")
START_DATE = datetime.fromisoformat(os.environ.get("FLEETLAKE_START_DATE", "2019-06-01"))


def load_plan(path):
    """The plan JSON `fleetlake plan --json` printed, checked enough to fail parsing loudly."""
    with open(path, encoding="utf-8") as f:
        plan = json.load(f)
    ids = {t["id"] for t in plan["tasks"]}
    for t in plan["tasks"]:
        missing = [u for u in t["upstream"] if u not in ids]
        if missing:
            raise ValueError(f"{path}: task {t['id']} depends on unknown {missing}")
    return plan


def bash_command(task):
    # shlex quoting keeps config paths and --set values intact; '{{ ds }}' stays a Jinja template
    # inside single quotes and renders to the run's date.
    return shlex.join([FLEETLAKE_BIN] + task["args"])


def task_env():
    """Environment of the fleetlake process; AWS keys only as templates of an Airflow connection."""
    if not AWS_CONN_ID:
        return None  # the worker's environment (role, profile or variables set by the platform)
    conn = "{{ conn." + AWS_CONN_ID + "."
    return {
        "AWS_ACCESS_KEY_ID": conn + "login }}",
        "AWS_SECRET_ACCESS_KEY": conn + "password }}",
    }


def build_dag(plan):
    default_args = {
        "owner": "data-platform",
        "depends_on_past": False,
        # Airflow retries the whole command; fleetlake's own retries (run.retries) only apply
        # inside `fleetlake run`, so the standalone tasks rely on these.
        "retries": plan.get("retries", 2),
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(hours=2),
    }
    dag = DAG(
        dag_id=DAG_ID,
        description="fleetlake daily: source -> raw -> Parquet -> warehouse -> marts",
        schedule="@daily",
        start_date=START_DATE,
        catchup=True,
        max_active_runs=1,
        default_args=default_args,
        tags=["fleetlake"],
    )
    env = task_env()
    operators = {}
    for task in plan["tasks"]:
        operators[task["id"]] = BashOperator(
            task_id=task["id"],
            bash_command=bash_command(task),
            env=env,
            append_env=True,  # keep PATH, HOME and the worker's AWS settings
            dag=dag,
        )
    for task in plan["tasks"]:
        for upstream in task["upstream"]:
            operators[upstream] >> operators[task["id"]]
    return dag


dag = build_dag(load_plan(PLAN_PATH))
