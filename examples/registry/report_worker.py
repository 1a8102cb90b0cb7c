"""Step 1 and 2 (Python): a service whose types the worker announces, from its type hints.

``service()`` reads the payload type from the first parameter, the chunk type from
``Context[...]`` and the result type from the return hint, and the worker announces them as JSON
Schema 2020-12 on ``taskbridge.registry`` (dicts given to ``service()`` win over hints). Run:

    PYTHONPATH=workers/python python3 examples/registry/report_worker.py
"""

from typing import Annotated, Literal, NotRequired, TypedDict

from taskbridge import Context, run, service


class ReportRequest(TypedDict):
    month: Annotated[str, {"pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"}]
    format: Literal["pdf", "csv"]
    pages: NotRequired[Annotated[int, {"minimum": 1, "maximum": 50}]]


class ReportLine(TypedDict):
    page: int
    text: str


class Report(TypedDict):
    url: str
    pages: int


@service(version="1")
async def report(payload: ReportRequest, ctx: Context[ReportLine]) -> Report:
    """Builds a monthly report, streaming one line per page."""
    pages = payload.get("pages", 3)
    for page in range(1, pages + 1):
        ctx.emit({"page": page, "text": f"{payload['month']}, page {page}"})
    return {"url": f"/reports/{payload['month']}.{payload['format']}", "pages": pages}


if __name__ == "__main__":
    run({"example.report": report})
