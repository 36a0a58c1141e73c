"""The HTTP side of ``analyzer serve`` (Starlette): the page, take uploads into the queue, job
progress, the takes of the session and the script check as the rep types.

Uploads are bounded in size before they are read and in length once decoded (:class:`Settings`);
they go to a temporary file whose name owes nothing to the upload's; what a rep sent is only ever
shown escaped.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from analyzer.serve.takes import KINDS, QueueFull, Settings, Takes

CHUNK_BYTES = 1 << 20
MAX_TEXT_BYTES = 64 * 1024  # a script is a few hundred words
STATIC = files("analyzer.serve").joinpath("static")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _kind(value: object) -> str | None:
    return value if value in KINDS else None


async def _save_upload(upload, limit: int) -> Path | None:
    """Copy the uploaded file to a new temporary file; None (and nothing kept) past ``limit`` bytes."""
    handle = tempfile.NamedTemporaryFile(prefix="analyzer-take-", suffix=".upload", delete=False)
    size = 0
    with handle:
        while chunk := await upload.read(CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                break
            handle.write(chunk)
    if size > limit:
        Path(handle.name).unlink()
        return None
    return Path(handle.name)


def create_app(settings: Settings = Settings()) -> Starlette:
    """The app for one session of takes (the model loads in the background at start-up)."""
    takes = Takes(settings)
    limit_mb = settings.max_upload_bytes / 2**20

    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(STATIC.joinpath("index.html").read_text(encoding="utf-8"))

    async def listen_js(request: Request) -> Response:
        from analyzer.reports.listen import listen_js as script

        return Response(script(), media_type="text/javascript")

    async def new_take(request: Request) -> JSONResponse:
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return _error(411, "the upload must state its length")
        if int(length) > settings.max_upload_bytes + MAX_TEXT_BYTES:
            return _error(413, f"the upload is larger than {limit_mb:g} MB")
        try:
            takes.reserve()
        except QueueFull as exc:
            return _error(503, str(exc))
        try:
            async with request.form(max_files=1, max_fields=4, max_part_size=MAX_TEXT_BYTES) as form:
                upload = form.get("audio")
                if upload is None or isinstance(upload, str):
                    takes.release()
                    return _error(400, "no audio file in the upload")
                saved = await _save_upload(upload, settings.max_upload_bytes)
                name = Path(upload.filename or "recording").name or "recording"
                script, kind = form.get("script"), _kind(form.get("kind"))
        except Exception:
            takes.release()
            raise
        if saved is None:
            takes.release()
            return _error(413, f"the upload is larger than {limit_mb:g} MB")
        job = takes.submit(saved, name, script=script if isinstance(script, str) else None, kind=kind)
        return JSONResponse({"job": job.id}, status_code=202)

    async def job_state(request: Request) -> JSONResponse:
        job = takes.jobs.get(request.path_params["job"])
        return JSONResponse(job.to_dict()) if job else _error(404, "no such job")

    async def list_takes(request: Request) -> JSONResponse:
        return JSONResponse([{"take": t.number, "name": t.name, "grade": t.card.grade,
                              "overall": round(t.card.overall)} for t in takes.takes])

    async def one_take(request: Request) -> Response:
        number = request.path_params["number"]
        if not 1 <= number <= len(takes.takes):
            return _error(404, "no such take")
        return HTMLResponse(takes.takes[number - 1].html)

    async def check_script(request: Request) -> JSONResponse:
        import inspect

        from analyzer.pipeline import analyze_text
        from analyzer.reports.render import render_card_html

        body = await request.body()
        if len(body) > MAX_TEXT_BYTES:
            return _error(413, "the script is longer than 64 kB")
        try:
            doc = json.loads(body)
        except ValueError:
            return _error(400, "the request is not JSON")
        if not isinstance(doc, dict):
            return _error(400, "the request is not a JSON object")
        text, kind = str(doc.get("text", "")), _kind(doc.get("kind"))
        if not text.strip():
            return JSONResponse({"html": ""})
        options = {"kind": kind} if kind and "kind" in inspect.signature(analyze_text).parameters else {}
        card = await run_in_threadpool(analyze_text, text, file="script", **options)
        return JSONResponse({"html": render_card_html(card)})

    @asynccontextmanager
    async def lifespan(app):
        takes.warm_up()
        yield
        takes.shutdown()

    app = Starlette(routes=[
        Route("/", index),
        Route("/listen.js", listen_js),
        Route("/api/takes", new_take, methods=["POST"]),
        Route("/api/takes", list_takes),
        Route("/api/takes/{number:int}", one_take),
        Route("/api/jobs/{job}", job_state),
        Route("/api/script", check_script, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(STATIC))),
    ], lifespan=lifespan)
    return app
