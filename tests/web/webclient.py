"""A small HTTP client for the web server's tests: keeps cookies by hand, never follows redirects."""

import re
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "a long enough passphrase"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps cookies by hand (the Secure flag is honoured by real browsers; this client sends them anyway)."""

    def __init__(self, base: str, accept_language: str | None = None):
        self.base = base
        self.accept_language = accept_language  # urllib sends none: the pages are then in English
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        self.set_cookie_headers: list[str] = []

    def go(
        self,
        path: str,
        form: dict | None = None,
        method: str | None = None,
        raw: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ):
        data = raw if raw is not None else (urllib.parse.urlencode(form).encode() if form is not None else None)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if data is not None:
            headers["Content-Type"] = content_type
        if self.accept_language:
            headers["Accept-Language"] = self.accept_language
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            reply = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            reply = error
        self.set_cookie_headers = reply.headers.get_all("Set-Cookie") or []
        for header in self.set_cookie_headers:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return reply.status, reply.headers, reply.read().decode()

    def csrf(self, path: str) -> str:
        _, _, body = self.go(path)
        return re.search(r'name="csrf" value="([^"]+)"', body).group(1)

    def sign_in(self, username: str = "kari", password: str = PASSWORD):
        token = self.csrf("/counsellor/sign-in")
        return self.go("/counsellor/sign-in", {"csrf": token, "username": username, "password": password})
