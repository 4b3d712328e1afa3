"""No secret in the repository: what git tracks holds no key, token or password, only documented placeholders."""

import re
import subprocess

from dotenv import dotenv_values

from bot.settings import ROOT

SECRET_KEYS = ("RASA_API_TOKEN", "SECRET_KEY")
# Credentials in URLs that are examples in the docs, comments and tests, never a real deployment's.
PLACEHOLDER_PASSWORDS = {"secret", "CHANGE_ME", "password", "p%40ss"}
PATTERNS = {
    "a private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "an AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "a GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "a Slack token": re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}"),
    "a bearer token": re.compile(r"Authorization:\s*Bearer\s+[A-Za-z0-9._-]{20,}"),
}
URL_PASSWORD = re.compile(r"[a-z+]+://[^/\s:@]+:([^@/\s]+)@")
ASSIGNED_SECRET = re.compile(r"^[ \t]*(RASA_API_TOKEN|SECRET_KEY|[A-Z_]*PASSWORD)[ \t]*=[ \t]*(\S+)", re.MULTILINE)


def tracked_files() -> list:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in listed.decode().split("\0") if name]


def tracked_texts():
    for path in tracked_files():
        data = path.read_bytes() if path.is_file() else b""
        if b"\0" not in data[:4096]:
            yield path.relative_to(ROOT), data.decode("utf-8", errors="replace")


def test_the_secrets_file_and_keys_are_not_tracked():
    names = {str(p.relative_to(ROOT)) for p in tracked_files()}
    assert ".env" not in names and not any(n.endswith((".pem", ".key", "id_rsa", ".p12")) for n in names)
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def secrets_in(path, text: str) -> list[str]:
    found = []
    for what, pattern in PATTERNS.items():
        if pattern.search(text):
            found.append(f"{path}: {what}")
    for password in URL_PASSWORD.findall(text):
        if password not in PLACEHOLDER_PASSWORDS and not password.startswith("$"):
            found.append(f"{path}: a password in a URL")
    if str(path).endswith((".env.example", ".yml", ".yaml", ".conf", ".cfg", ".ini", ".toml")):
        for key, value in ASSIGNED_SECRET.findall(text):
            if value not in PLACEHOLDER_PASSWORDS and not value.startswith(("$", "<")):
                found.append(f"{path}: {key} has a value")
    return found


def test_the_search_finds_planted_secrets():
    # Put together here, so that this file itself holds none of them as written.
    planted = (
        "-----BEGIN RSA " + "PRIVATE KEY-----\nDATABASE_URL=postgresql://app:" + "hunter2hunter2" + "@db/x\n"
        "SECRET_KEY=" + "Zx81kq0Lw93hTq\nRASA_API_TOKEN=\n"
    )
    assert secrets_in("production.env.example", planted) == [
        "production.env.example: a private key",
        "production.env.example: a password in a URL",
        "production.env.example: SECRET_KEY has a value",
    ]


def test_no_key_token_or_real_password_in_any_tracked_file():
    found = [hit for path, text in tracked_texts() for hit in secrets_in(path, text)]
    assert found == []


def test_the_secrets_of_this_checkout_appear_in_no_tracked_file():
    env = ROOT / ".env"
    values = [v for k, v in (dotenv_values(env).items() if env.exists() else []) if k in SECRET_KEYS and v]
    if not values:
        return  # a checkout without .env has no secret to leak; make test writes one before this runs
    for path, text in tracked_texts():
        for value in values:
            assert value not in text, f"a secret from .env is in {path}"


def test_the_example_settings_leave_every_secret_empty():
    example = dotenv_values(ROOT / ".env.example")
    assert all(not example.get(key) for key in SECRET_KEYS)
