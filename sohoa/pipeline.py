"""The pipeline: compose ingest → ocr → extract → storage for a batch of dossiers.

Stages are plain functions ``(value, ctx) -> value``. The parent process finds
dossiers, rasterizes their pages once (ingest), and hands each page to a pool of
workers that prepare and read it (ocr) and store its outputs; the parent then
extracts the record and commits the dossier in one transaction. Only the parent
writes progress and the database, so a crash leaves either a whole dossier or
nothing, and a re-run finishes the batch.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
import tempfile
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image
from pypdf import PdfReader, PdfWriter

from sohoa.context import StageContext
from sohoa.errors import InputRejected, SohoaError, StorageError
from sohoa.model import Dossier, DossierStatus, FieldValue, Page, PageWork
from sohoa.scratch import scratch_dir
from sohoa.settings import Settings
from storage.keys import dossier_key, page_key
from storage.objectstore import ObjectStore

log = logging.getLogger(__name__)

PageStage = Callable[[PageWork, StageContext], PageWork]


@dataclass(frozen=True)
class Outcome:
    """What happened to one input."""

    source: str
    dossier_id: str | None
    status: str  # "processed" | "skipped" (already stored) | "rejected" | "failed"
    reason: str | None = None
    pages: int = 0


@dataclass(frozen=True)
class BatchResult:
    """The outcomes of a batch, in input order."""

    outcomes: tuple[Outcome, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no input was rejected or failed."""
        return all(o.status in ("processed", "skipped") for o in self.outcomes)

    def count(self, status: str) -> int:
        """How many inputs ended with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)


@dataclass(frozen=True)
class PageJob:
    """One page handed to a worker: where its raster is, and the page model so far."""

    page: Page
    raster_path: Path
    ctx: StageContext


def page_stages() -> tuple[PageStage, ...]:
    """The per-page stages, in order: prepare (upright, deskew, clean) then read."""
    from ocr.prepare import prepare, read

    return (prepare, read)


def run_page_stages(work: PageWork, ctx: StageContext, stages: Sequence[PageStage] | None = None) -> PageWork:
    """Apply the page stages to one page."""
    for stage in stages or page_stages():
        work = stage(work, ctx)
    return work


def process_page(job: PageJob) -> Page:
    """Worker entry point: read one page's raster, run the page stages, store the outputs.

    Returns the page model (with its words); pixels never travel back to the parent.
    """
    from storage.factory import object_store_from_settings

    try:
        image = np.load(job.raster_path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise SohoaError(f"page {job.page.index}: raster lost from scratch space", path=str(job.raster_path)) from e
    job.raster_path.unlink(missing_ok=True)
    work = run_page_stages(PageWork(page=job.page, image=image), job.ctx)
    store = object_store_from_settings(job.ctx.settings)
    return store_page_outputs(work, store)


def store_page_outputs(work: PageWork, store: ObjectStore) -> Page:
    """Write a prepared page's image, OCR JSON, hOCR and text-layer PDF; return the page with its key."""
    page = work.page
    image_key = page_key(page.dossier_id, page.index, "prepared", "png")
    ok, png = cv2.imencode(".png", work.image)
    if not ok:
        raise SohoaError(f"page {page.index}: cannot encode prepared image")
    store.put_bytes(image_key, png.tobytes())
    for name, ext in (("hocr", "hocr"), ("pdf", "pdf")):
        data = work.extras.get(name)
        if data:
            blob = data.encode("utf-8") if isinstance(data, str) else data
            store.put_bytes(page_key(page.dossier_id, page.index, "text" if ext == "pdf" else "ocr", ext), blob)
    page = page.model_copy(update={"image_key": image_key})
    store.put_bytes(page_key(page.dossier_id, page.index, "ocr", "json"), page.model_dump_json().encode())
    return page


class StoredImages(Mapping[int, np.ndarray]):
    """Prepared page images, loaded from the object store only when a field crop needs one."""

    def __init__(self, store: ObjectStore, pages: Sequence[Page], keep: int = 6) -> None:
        self._store = store
        self._keys = {p.index: p.image_key for p in pages if p.image_key}
        self._keep = keep
        self._decoded: OrderedDict[int, np.ndarray] = OrderedDict()

    def __getitem__(self, index: int) -> np.ndarray:
        """The page's image. The last ``keep`` decoded are kept (a 300 DPI page is about 9 MB):
        extraction asks for each page once per field, and decoding a PNG costs ~60 ms."""
        if index in self._decoded:
            self._decoded.move_to_end(index)
            return self._decoded[index]
        data = self._store.get_bytes(self._keys[index])
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise SohoaError(f"page {index}: stored image unreadable")
        image.flags.writeable = False  # shared between crops: nobody may draw on it
        self._decoded[index] = image
        if len(self._decoded) > self._keep:
            self._decoded.popitem(last=False)
        return image

    def __contains__(self, index: object) -> bool:
        return index in self._keys

    def __iter__(self) -> Iterator[int]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@dataclass(frozen=True)
class CropReader:
    """Re-reads field boxes for the extractors (``ocr.tesseract.read_crop``), in the
    languages each request names (the field spec's ``crop_lang``)."""

    def __call__(self, image: np.ndarray, bbox: Any, whitelist: str | None, psm: int,
                 lang: str = "eng") -> tuple[str, float]:
        from ocr.tesseract import read_crop

        return read_crop(image, bbox, lang=lang, whitelist=whitelist, psm=psm)

    def many(self, requests: Sequence[Any]) -> list[tuple[str, float]]:
        """Re-read many crops (``extract.record.CropRequest``): one Tesseract run per set of options."""
        from ocr.tesseract import read_crops

        groups: dict[tuple[str, str | None, int], list[int]] = {}
        for i, r in enumerate(requests):
            groups.setdefault((r.lang, r.whitelist, r.psm), []).append(i)
        answers: list[tuple[str, float]] = [("", 0.0)] * len(requests)
        for (lang, whitelist, psm), members in groups.items():
            boxes = [(requests[i].image, requests[i].bbox) for i in members]
            for i, answer in zip(members, read_crops(boxes, lang=lang, whitelist=whitelist, psm=psm), strict=True):
                answers[i] = answer
        return answers


def extract_fields(pages: Sequence[Page], store: ObjectStore,
                   images: Mapping[int, np.ndarray] | None = None) -> dict[str, FieldValue]:
    """Classify and extract the record of a dossier from its read pages (``images``: the
    prepared page images, by default loaded from ``store`` when a crop needs one)."""
    from extract.record import extract_record
    from sohoa.doctypes import load_doctype

    spec = load_doctype("vehicle_registration")
    images = images if images is not None else StoredImages(store, pages)
    return extract_record(pages, spec=spec, reread=CropReader(), images=images)


def dossier_place(fields: Mapping[str, FieldValue]) -> tuple[str | None, str | None]:
    """The commune and province (current units, after the 2025 reform) of the owner's address."""
    from reconcile.address import parse

    address = fields.get("owner_address")
    if address is None or not address.value:
        return None, None
    parsed = parse(address.value)
    return parsed.ward, parsed.province


def add_page_pdf(writer: PdfWriter, store: ObjectStore, page: Page, jpeg_quality: int = 75,
                 images: Mapping[int, np.ndarray] | None = None) -> bool:
    """Add one page of the searchable PDF: the prepared image as JPEG under Tesseract's text layer.

    ``images`` (e.g. :class:`StoredImages`) gives the decoded prepared image, so a page
    decoded here is decoded once for both the PDF and the field crops.
    """
    text_key = page_key(page.dossier_id, page.index, "text", "pdf")
    if not page.image_key or not store.exists(text_key):
        return False
    if images is None:
        images = StoredImages(store, [page], keep=1)
    pixels = images[page.index]
    if pixels.ndim == 3:
        code = cv2.COLOR_BGRA2RGB if pixels.shape[2] == 4 else cv2.COLOR_BGR2RGB
        pixels = cv2.cvtColor(pixels, code)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PDF", resolution=float(page.dpi), quality=jpeg_quality)
    added = writer.add_page(PdfReader(buf).pages[0])
    added.merge_page(PdfReader(io.BytesIO(store.get_bytes(text_key))).pages[0])
    return True


def store_searchable_pdf(store: ObjectStore, pages: Sequence[Page], key: str,
                         images: Mapping[int, np.ndarray] | None = None) -> None:
    """Build the dossier's searchable PDF (page images with their text layers) under ``key``.

    The joined file is written to a temporary file and streamed to the store, so a
    long dossier is never held whole in memory twice.
    """
    writer = PdfWriter()
    images = images if images is not None else StoredImages(store, pages)
    for page in pages:
        add_page_pdf(writer, store, page, images=images)
    with tempfile.TemporaryFile() as tmp:
        writer.write(tmp)
        writer.close()
        length = tmp.tell()
        tmp.seek(0)
        store.put_stream(key, tmp, length)


def finish_pages(pages: Sequence[Page], settings: Settings) -> dict[str, FieldValue]:
    """Worker entry point after a dossier's pages are read: searchable PDF, then the record's fields."""
    from storage.factory import object_store_from_settings

    store = object_store_from_settings(settings)
    dossier_id = pages[0].dossier_id
    images = StoredImages(store, pages)  # the pages decoded for the PDF are the ones the field crops need
    store_searchable_pdf(store, pages, dossier_key(dossier_id, "searchable.pdf"), images)
    return extract_fields(pages, store, images)


@dataclass
class _Pending:
    """A dossier whose pages are being read by the workers."""

    source: Any
    dossier_id: str
    sha: str
    pages: list[Future[Page] | Page]
    finishing: Future[dict[str, FieldValue]] | None = None  # the record being made in the pool

    def read(self) -> bool:
        """Whether every page has been read (or has failed)."""
        return all(not isinstance(f, Future) or f.done() for f in self.pages)

    def read_well(self) -> bool:
        """Whether every page has been read without error."""
        return self.read() and all(not isinstance(f, Future) or f.exception() is None for f in self.pages)


@dataclass
class Pipeline:
    """Runs batches. ``workers`` 1 runs in-process; more uses a process pool for pages."""

    settings: Settings
    store: ObjectStore
    repo: Any  # storage.repository.Repository
    workers: int = 1
    progress: Callable[[str, int], None] | None = None
    _executor: Executor | None = field(default=None, init=False, repr=False)
    _scratch: Path | None = field(default=None, init=False, repr=False)

    #: dossiers whose pages may be in the workers' hands at once (the next one is ingested
    #: while the previous one is read), so no core waits on the parent; see ``_make_room``.
    window: int = 2

    def run(self, paths: Iterable[Path]) -> BatchResult:
        """Process every dossier found under ``paths``; rejected inputs don't stop the batch.

        Outcomes come in the order dossiers finish (rejections found by discovery first).
        """
        from ingest.sources import discover

        sources, rejected = discover(list(paths))
        outcomes = [self._record_rejection(r) for r in rejected]
        in_flight: deque[_Pending] = deque()
        with self._pool():
            for source in sources:
                started = self._start(source)
                if isinstance(started, Outcome):
                    outcomes.append(self._ticked(started))
                    continue
                in_flight.append(started)
                outcomes.extend(self._ticked(o) for o in self._make_room(in_flight))
            while in_flight:
                outcomes.append(self._ticked(self._finish(in_flight.popleft())))
        return BatchResult(tuple(outcomes))

    def _make_room(self, in_flight: deque[_Pending]) -> list[Outcome]:
        """Wait until fewer than ``window`` dossiers are being read; commit the finished ones.

        With a pool, a dossier whose pages are read has its record made in the pool while
        the parent goes on ingesting, so the workers always have pages queued behind it
        (waiting for the record would leave a core idle at each dossier). In order: only
        the oldest dossier is ever committed, and at most 2 × ``window`` wait for that.
        """
        done: list[Outcome] = []
        if self._executor is None:
            while len(in_flight) >= self.window:
                done.append(self._finish(in_flight.popleft()))
            return done
        self._hand_over(in_flight)
        while sum(not p.read() for p in in_flight) >= self.window:
            reading = [f for p in in_flight for f in p.pages if isinstance(f, Future) and not f.done()]
            wait(reading, return_when=FIRST_COMPLETED)
            self._hand_over(in_flight)
        while in_flight and (len(in_flight) >= 2 * self.window or self._committable(in_flight[0])):
            done.append(self._finish(in_flight.popleft()))
        return done

    def _hand_over(self, in_flight: deque[_Pending]) -> None:
        """Start making the record (searchable PDF, fields) of each dossier whose pages are all read."""
        assert self._executor is not None
        for pending in in_flight:
            if pending.finishing is None and pending.read_well():
                pages = [f.result() if isinstance(f, Future) else f for f in pending.pages]
                pending.finishing = self._executor.submit(finish_pages, pages, self.settings)

    @staticmethod
    def _committable(pending: _Pending) -> bool:
        """Whether committing (or failing) this dossier would not wait."""
        if pending.finishing is not None:
            return pending.finishing.done()
        return pending.read() and not pending.read_well()

    def process_source(self, source: Any) -> Outcome:
        """One dossier: skip if stored, else ingest, read pages, extract, store, commit."""
        with self._pool():
            started = self._start(source)
            return started if isinstance(started, Outcome) else self._finish(started)

    def _start(self, source: Any) -> _Pending | Outcome:
        """Fingerprint, skip what is stored, ingest and hand the pages to the workers."""
        from ingest.fingerprint import dossier_id_for, sha256_source
        from ingest.stage import load_dossier

        try:
            sha = sha256_source(source)
        except InputRejected as e:
            return self._record_rejection(e)
        dossier_id = dossier_id_for(sha)
        stored = self.repo.find_by_sha(sha)
        if stored is not None:
            return self._already_stored(source.name, stored)
        ctx = StageContext.from_settings(self.settings)
        try:
            pages = [self._submit(work, ctx) for work in load_dossier(source, ctx)]
        except InputRejected as e:
            return self._reject(source, dossier_id, sha, e)
        except SohoaError as e:  # in-process page work (workers=1): store or tool failure fails this dossier only
            log.error("failed %s: %s", source.name, e)
            return Outcome(source.name, dossier_id, "failed", str(e))
        if not pages:
            return self._reject(source, dossier_id, sha, InputRejected("no pages"))
        return _Pending(source, dossier_id, sha, pages)

    def _finish(self, pending: _Pending) -> Outcome:
        """Collect the read pages, extract the record, store it and commit the dossier."""
        source, dossier_id = pending.source, pending.dossier_id
        try:
            pages = [f.result() if isinstance(f, Future) else f for f in pending.pages]
            self._store_source(source, dossier_id)
            if pending.finishing is not None:
                fields = pending.finishing.result()
            else:
                fields = self._call(finish_pages, pages, self.settings)
        except InputRejected as e:
            return self._reject(source, dossier_id, pending.sha, e)
        except SohoaError as e:
            log.error("failed %s: %s", source.name, e)
            return Outcome(source.name, dossier_id, "failed", str(e))
        dossier = Dossier(
            dossier_id=dossier_id,
            source=source.name,
            sha256=pending.sha,
            status=DossierStatus.PROCESSED,
            pages=tuple(p.model_copy(update={"blocks": ()}) for p in pages),
            fields=fields,
        )
        self.store.put_bytes(dossier_key(dossier_id, "record.json"), dossier.model_dump_json().encode())
        commune, province = dossier_place(dossier.fields)
        self.repo.save_dossier(dossier, commune=commune, province=province)
        return Outcome(source.name, dossier_id, "processed", pages=len(dossier.pages))

    def _reject(self, source: Any, dossier_id: str, sha: str, e: InputRejected) -> Outcome:
        reason = e.message if e.path in (None, str(source.path)) else str(e)
        self.repo.save_rejection(dossier_id, source.name, sha, reason)
        log.warning("rejected %s: %s", source.name, reason)
        return Outcome(source.name, dossier_id, "rejected", reason)

    def _already_stored(self, name: str, dossier_id: str) -> Outcome:
        """A stored dossier is not made twice; a stored rejection is reported again."""
        info = self.repo.dossier_info(dossier_id)
        if info.status == DossierStatus.REJECTED.value:
            return Outcome(name, dossier_id, "rejected", info.reason)
        log.info("dossier %s already stored; skipped", dossier_id)
        return Outcome(name, dossier_id, "skipped", pages=info.page_count)

    def _submit(self, work: PageWork, ctx: StageContext) -> Future[Page] | Page:
        if self._executor is None or self._scratch is None:
            return store_page_outputs(run_page_stages(work, ctx), self.store)
        # raw pixels, not PNG: compressing a noisy scan costs ~0.1 s a page here and inflating it as much there
        raster = self._scratch / f"{work.page.dossier_id}-{work.page.index:04d}_ingest.npy"
        try:
            np.save(raster, work.image, allow_pickle=False)
        except OSError as e:  # scratch space full or gone: this dossier fails, the batch goes on
            raster.unlink(missing_ok=True)
            raise StorageError(f"page {work.page.index}: cannot write scratch raster ({e.strerror})",
                               path=str(raster)) from e
        return self._executor.submit(process_page, PageJob(work.page, raster, ctx))

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn`` in a worker when there is a pool (the parent stays free), else here."""
        if self._executor is None:
            return fn(*args)
        return self._executor.submit(fn, *args).result()

    def _store_source(self, source: Any, dossier_id: str) -> None:
        from ingest.sources import folder_pages

        files = folder_pages(Path(source.path)) if source.kind == "folder" else [Path(source.path)]
        for i, path in enumerate(files, start=1):
            suffix = path.suffix.lower().lstrip(".") or "bin"
            name = f"source.{suffix}" if len(files) == 1 else f"source-{i:04d}.{suffix}"
            with path.open("rb") as fh:
                self.store.put_stream(dossier_key(dossier_id, name), fh)

    def _record_rejection(self, error: InputRejected) -> Outcome:
        from ingest.fingerprint import dossier_id_for, sha256_file

        source = error.path or "?"
        sha = _safe_sha(sha256_file, source)
        dossier_id = dossier_id_for(sha) if sha else None
        if sha and dossier_id and self.repo.find_by_sha(sha) is None:
            self.repo.save_rejection(dossier_id, source, sha, error.message)
        log.warning("rejected %s: %s", source, error.message)
        return Outcome(source, dossier_id, "rejected", error.message)

    def _ticked(self, outcome: Outcome) -> Outcome:
        if self.progress is not None:
            self.progress(outcome.source, 1)
        return outcome

    def _pool(self) -> _PoolScope:
        return _PoolScope(self)


class _PoolScope:
    """Opens the worker pool and scratch space for a batch (re-entrant: nested scopes share them)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.owner = False

    def __enter__(self) -> None:
        p = self.pipeline
        if p.workers <= 1 or p._executor is not None:
            return
        self.owner = True
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        _import_worker_modules()  # once here: the workers are forked from this process
        self.tmp = scratch_dir("pages")
        p._scratch = Path(self.tmp.name)
        p._executor = ProcessPoolExecutor(max_workers=p.workers, initializer=die_with_parent,
                                          initargs=(os.getpid(),))

    def __exit__(self, *exc: object) -> None:
        p = self.pipeline
        if not self.owner or p._executor is None:
            return
        p._executor.shutdown(wait=True, cancel_futures=True)
        p._executor = None
        p._scratch = None
        self.tmp.cleanup()


def _import_worker_modules() -> None:
    """Import what the workers run (OCR, extraction: ~0.5 s of imports) before they are forked."""
    import extract.record  # noqa: F401
    import ocr.prepare  # noqa: F401


def die_with_parent(parent: int) -> None:
    """Pool worker start-up: end with the batch process even when it is SIGKILLed.

    A forked worker holds both ends of the pool's call queue, so it would otherwise wait
    for work forever after its parent died (Linux: ``PR_SET_PDEATHSIG``).
    """
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _safe_sha(fn: Callable[[Path], str], source: str) -> str | None:
    try:
        path = Path(source)
        return fn(path) if path.is_file() else None
    except (OSError, SohoaError):
        return None


def default_workers(settings: Settings) -> int:
    """Workers to use: the setting, or one per core."""
    return settings.workers or os.cpu_count() or 1
