"""The production files (deploy/) agree with the code: every setting they set exists, every role they start
exists, the balancer has the settings that `make cluster` measured and tests, and the image installs what runs
and no test or development tool."""

import re
import sys
from pathlib import Path

import yaml

from bot.ops.launch import ROLES
from bot.settings import KEYS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ROOT = DEPLOY.parent
sys.path.insert(0, str(ROOT / "tools"))
from lock import PROD_IN, canonical, direct, installed, needed  # noqa: E402

RASA_KEYS = {"RASA_TELEMETRY_ENABLED"}
# Tests and development tools: requirements-dev.txt, never the production image.
DEV_TOOLS = {"pytest", "hypothesis", "playwright", "ruff", "py-spy"}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def kubernetes() -> list[dict]:
    return [doc for doc in yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()) if doc]


def env_file_keys(path: Path) -> set[str]:
    return {line.split("=", 1)[0] for line in path.read_text().splitlines() if re.match(r"^[A-Z_]+=", line)}


def test_every_setting_the_deployment_sets_is_one_the_code_reads():
    services = compose()["services"]
    app_services = [s for s in services.values() if s.get("image", "").startswith("doctor-support")]
    assert len(app_services) >= 6
    for service in app_services:
        assert set(service.get("environment", {})) <= KEYS | RASA_KEYS
    assert env_file_keys(DEPLOY / "production.env.example") - {"POSTGRES_PASSWORD"} <= KEYS
    config_map = next(d for d in kubernetes() if d["kind"] == "ConfigMap")
    assert set(config_map["data"]) <= KEYS | RASA_KEYS


def test_every_container_starts_a_role_or_a_module_that_exists():
    root = DEPLOY.parent
    commands = [s.get("command") for s in compose()["services"].values() if s.get("command")]
    for doc in kubernetes():
        spec = doc.get("spec", {})
        template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template", {})
        for container in template.get("spec", {}).get("containers", []):
            commands.append(container.get("args") or container.get("command"))
    for command in commands:
        if command[0] == "python":
            module = command[command.index("-m") + 1]
            assert (root / (module.replace(".", "/") + ".py")).exists(), module
        elif command[0] not in ("redis-server", "sh"):
            assert command == [command[0]] and command[0] in ROLES, command


def test_the_balancer_sends_to_every_replica_and_has_the_settings_make_cluster_measured():
    conf = (DEPLOY / "nginx-balancer.conf").read_text()
    services = compose()["services"]
    for name in services:
        if name.startswith(("rasa-", "actions-")):
            assert f"server {name}:" in conf
    for directive in ("proxy_request_buffering off", "proxy_next_upstream error timeout", "access_log off"):
        assert directive in conf
    from bot.ops.cluster import nginx_config

    generated = nginx_config(Path("/tmp/x"), 1, [2], 3, [4])
    for directive in ("proxy_request_buffering off", "proxy_next_upstream error timeout", "access_log off"):
        assert directive in generated


def test_no_secret_is_in_the_deploy_files():
    for path in DEPLOY.iterdir():
        text = path.read_text()
        for line in text.splitlines():
            match = re.match(r"^\s*(RASA_API_TOKEN|SECRET_KEY|POSTGRES_PASSWORD)\s*[:=]\s*(\S*)", line)
            if match:
                assert match.group(2) == "" or match.group(2).startswith("${"), line


def test_every_module_run_as_a_command_has_a_main():
    """Every module of bot/ run with `python -m` (Makefile, deploy, docs, README, code, tests) runs something:
    a module without a __main__ block exits 0 and does nothing, which a container or a test would take for success."""
    root = DEPLOY.parent
    files = [root / "Makefile", root / "README.md", *root.glob("docs/*.md"), *DEPLOY.iterdir()]
    files += [p for folder in ("bot", "tests", "bench", "tools") for p in (root / folder).rglob("*.py")]
    pattern = re.compile(r"""-m["',\s]+(bot(?:\.\w+)+)""")
    found = {m for path in files if path.is_file() for m in pattern.findall(path.read_text(encoding="utf-8"))}
    assert {"bot.ops.launch", "bot.ops.migrate", "bot.ops.counsellors", "bot.web.app"} <= found
    for module in sorted(found):
        source = root / (module.replace(".", "/") + ".py")
        assert source.exists(), f"python -m {module}: no such module"
        assert 'if __name__ == "__main__":' in source.read_text(encoding="utf-8"), f"python -m {module} does nothing"


def pins(path: Path) -> dict[str, str]:
    """A requirements file's own pins (canonical name -> version), without those of a file it includes."""
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    return {canonical(n): v for n, v in (line.split("==", 1) for line in lines if line and not line.startswith("-"))}


def test_the_image_installs_what_runs_and_no_test_or_development_tool():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.findall(r"pip install .*", dockerfile) == ["pip install --no-cache-dir -r requirements.txt"]
    assert "requirements-dev" not in dockerfile
    runs, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    dev_lines = [line for line in (ROOT / "requirements-dev.txt").read_text().splitlines() if not line.startswith("#")]
    assert dev_lines[0] == "-r requirements.txt"
    assert set(dev) >= DEV_TOOLS and not set(runs) & DEV_TOOLS and not set(runs) & set(dev)
    # requirements.txt holds exactly what requirements.in needs, by the installed packages' own dependencies
    # (tools/lock.py, make lock): nothing that only the tests need, and nothing that runs is left to the dev file.
    what_runs_needs = needed(direct(PROD_IN), installed())
    assert what_runs_needs >= set(runs) and not what_runs_needs & set(dev)


def test_the_requirement_pins_agree_with_their_locks():
    runs, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    for source, lock in (("requirements.in", runs), ("requirements-dev.in", {**runs, **dev})):
        for name, version in pins(ROOT / source).items():
            assert lock.get(name) == version, f"{source} pins {name}=={version}: make lock"
