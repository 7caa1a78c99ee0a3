"""The team backend's HTTP API (httpx, async): every call either returns the decoded JSON body or
raises an application error — unreachable (queue it), refused token, limits, problems."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from httpx_sse import ServerSentEvent, aconnect_sse

from aiprism_desktop import __version__
from aiprism_desktop.core.errors import InvalidResponseError, ProviderUnavailableError
from aiprism_desktop.providers.backend.errors import (
    BackendRateLimitedError,
    from_problem,
    unreachable,
)
from aiprism_desktop.providers.backend.settings import BackendSettings

MAX_RATE_LIMIT_WAIT_S = 30.0
RATE_LIMIT_RETRIES = 3


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.5, float(response.headers.get("Retry-After", "5")))
    except ValueError:
        return 5.0


class BackendClient:
    def __init__(
        self, settings: BackendSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            headers={
                "Authorization": f"Bearer {settings.token}",
                "User-Agent": f"aiprism-desktop/{__version__}",
            },
            timeout=httpx.Timeout(settings.request_timeout_s, connect=settings.connect_timeout_s),
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    def _unreachable(self, error: Exception) -> Exception:
        return unreachable(self.settings.base_url, f"{type(error).__name__}: {error}")

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (httpx's own per-request timeout)
    ) -> Any:
        """One call; 429 answers are waited out (Retry-After, a few times) before giving up."""
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            try:
                response = await self._http.request(
                    method,
                    path,
                    json=json_body,
                    params=params,
                    headers=headers,
                    timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
                )
            except httpx.TransportError as error:
                raise self._unreachable(error) from error
            if response.status_code == 429 and attempt < RATE_LIMIT_RETRIES:
                wait = _retry_after(response)
                if wait <= MAX_RATE_LIMIT_WAIT_S:
                    await asyncio.sleep(wait)
                    continue
            return self._decode(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _decode(self, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            raise from_problem(
                response.status_code, body if isinstance(body, dict) else {}, self.settings.base_url
            )
        if body is None:
            raise InvalidResponseError(
                "The team backend answered with something that is not JSON.",
                detail=f"{response.status_code} {response.headers.get('content-type', '')}",
            )
        return body

    # -- operations ------------------------------------------------------------------------
    async def health(self) -> tuple[int, dict[str, Any]]:
        """The status code and body of /v1/health (503 is an answer, not an error here)."""
        try:
            response = await self._http.get(
                "/v1/health", timeout=self.settings.connect_timeout_s * 2
            )
        except httpx.TransportError as error:
            raise self._unreachable(error) from error
        try:
            body = response.json()
        except ValueError:
            body = {}
        return response.status_code, body if isinstance(body, dict) else {}

    async def capabilities(self) -> dict[str, Any]:
        found: dict[str, Any] = await self.request("GET", "/v1/capabilities")
        return found

    async def submit(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue an analysis; a lost answer is retried with the same Idempotency-Key, so the
        backend never starts the job twice."""
        key = uuid.uuid4().hex
        for attempt in range(2):
            try:
                found: dict[str, Any] = await self.request(
                    "POST", "/v1/analyses", json_body=body, headers={"Idempotency-Key": key}
                )
                return found
            except ProviderUnavailableError as error:
                never_sent = isinstance(error.__cause__, httpx.ConnectError)
                if attempt == 1 or never_sent:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def job(self, job_id: str, wait_s: float) -> dict[str, Any]:
        found: dict[str, Any] = await self.request(
            "GET",
            f"/v1/analyses/{job_id}",
            params={"wait": f"{wait_s:g}"},
            timeout=wait_s + self.settings.request_timeout_s,
        )
        return found

    async def cancel(self, job_id: str) -> None:
        await self.request(
            "DELETE", f"/v1/analyses/{job_id}", timeout=self.settings.connect_timeout_s
        )

    async def sync_events(self, review_id: str, body: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = await self.request(
            "POST", f"/v1/reviews/{review_id}/events", json_body=body
        )
        return found

    @asynccontextmanager
    async def chat(self, body: dict[str, Any]) -> AsyncIterator[AsyncIterator[ServerSentEvent]]:
        """The chat answer's server-sent events."""
        try:
            async with aconnect_sse(
                self._http,
                "POST",
                "/v1/chat",
                json=body,
                timeout=httpx.Timeout(
                    self.settings.request_timeout_s * 4, connect=self.settings.connect_timeout_s
                ),
            ) as source:
                response = source.response
                if response.status_code >= 400:
                    await response.aread()
                    self._decode(response)
                yield source.aiter_sse()
        except httpx.TransportError as error:
            raise self._unreachable(error) from error


def event_data(event: ServerSentEvent) -> dict[str, Any]:
    """The JSON object of an SSE event; InvalidResponseError when it is not one."""
    try:
        data = json.loads(event.data)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidResponseError("The team backend sent a chat event that is not JSON.")
    return data


__all__ = ["BackendClient", "BackendRateLimitedError", "event_data"]
