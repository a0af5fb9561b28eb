"""Group robots of 企业微信 (WeCom) and 钉钉 (DingTalk), in the formats they document.

WeCom: POST JSON ``{"msgtype": "markdown", "markdown": {"content": …}}`` to the robot URL
(``…/cgi-bin/webhook/send?key=…``); the key in the URL is the only credential.
DingTalk: POST JSON ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; with
加签 security the URL carries ``timestamp`` (milliseconds) and ``sign`` = URL-encoded base64 of
HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}"). Both answer ``{"errcode": 0, …}``.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from tracker.choices import ChannelName, WebhookPlatform

from .base import Channel, ChannelError, register

WECOM_MAX_BYTES = 4096  # the documented limit of a markdown message
DINGTALK_MAX_CHARS = 5000


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of a request, URL-encoded as its documentation shows."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def _truncate_bytes(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def _link(message) -> str:
    return settings.SITE_URL.rstrip("/") + message.url if message.url else ""


def wecom_payload(message) -> dict:
    lines = [f"**{message.subject}**", message.body]
    if message.url:
        lines.append(f"[{_link(message)}]({_link(message)})")
    return {
        "msgtype": "markdown",
        "markdown": {"content": _truncate_bytes("\n".join(lines), WECOM_MAX_BYTES)},
    }


def dingtalk_payload(message) -> dict:
    lines = [f"### {message.subject}", message.body.replace("\n", "\n\n")]
    if message.url:
        lines.append(f"[{_link(message)}]({_link(message)})")
    return {
        "msgtype": "markdown",
        "markdown": {"title": message.subject, "text": "\n\n".join(lines)[:DINGTALK_MAX_CHARS]},
    }


def dingtalk_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """The robot URL with ``timestamp`` and ``sign`` added when the robot has a secret."""
    if not secret:
        return url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def post_json(url: str, payload: dict) -> dict:
    """POST ``payload``; raise ChannelError unless the robot answers errcode 0."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ChannelError(f"not an http(s) URL: {url[:100]}")
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 — the scheme is checked above  # nosec B310
            request, timeout=settings.CHANNEL_TIMEOUT_SECONDS
        ) as response:
            answer = response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(f"robot unreachable: {exc}") from exc
    try:
        data = json.loads(answer or b"{}")
    except ValueError as exc:
        raise ChannelError(f"robot answered no JSON: {answer[:200]!r}") from exc
    if data.get("errcode", 0) != 0:
        raise ChannelError(f"robot refused: {data.get('errcode')} {data.get('errmsg', '')}")
    return data


@register
class WebhookChannel(Channel):
    name = ChannelName.WEBHOOK
    for_people = False

    def send(self, message) -> None:
        robot = message.unit_channel
        if robot is None:
            raise ChannelError("the message has no group robot")
        if robot.platform == WebhookPlatform.WECOM:
            post_json(robot.url, wecom_payload(message))
        elif robot.platform == WebhookPlatform.DINGTALK:
            post_json(dingtalk_url(robot.url, robot.secret), dingtalk_payload(message))
        else:
            raise ChannelError(f"unknown platform {robot.platform!r}")
