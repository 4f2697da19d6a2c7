"""Uploads are judged by their content: every attack is a 400 naming the field, with nothing stored."""

import io
import os
import struct
import tracemalloc
import zlib

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError, IntegrityError
from PIL import Image

from equipment import services
from equipment.models import Manual, Photo
from equipment.uploads import UploadRejected, check_pdf
from tests.equipment.helpers import deflated_zeros, image_bytes, pdf_bytes, stream_object, upload, written_pdf

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff_a)


def post_manual(client, instrument, file, **extra):
    data = {"file": file, "title": "操作マニュアル", "version": "1.0", "language": "ja", **extra}
    return client.post(f"/api/v1/instruments/{instrument.id}/manuals/", data, format="multipart")


def post_photo(client, instrument, file, **extra):
    return client.post(f"/api/v1/instruments/{instrument.id}/photos/", {"image": file, **extra}, format="multipart")


# --- Manuals -------------------------------------------------------------------------------------
def test_a_real_pdf_is_stored_with_checksum_pages_and_version(world, staff_client, settings):
    response = post_manual(staff_client, world.sem, upload("manual.pdf", pdf_bytes(), "application/pdf"))
    assert response.status_code == 201, response.data
    manual = Manual.objects.get()
    assert manual.pages == 1 and len(manual.checksum) == 64 and manual.version == "1.0"
    assert manual.file.read().startswith(b"%PDF-")
    assert response.data["current"] is True


def test_new_version_is_current_and_older_versions_are_kept(world, staff_client):
    post_manual(staff_client, world.sem, upload("a.pdf", pdf_bytes("v1")), version="1.0")
    post_manual(staff_client, world.sem, upload("b.pdf", pdf_bytes("v2")), version="2.0")
    listed = staff_client.get(f"/api/v1/instruments/{world.sem.id}/manuals/").data["results"]
    assert [(m["version"], m["current"]) for m in listed] == [("2.0", True), ("1.0", False)]


def test_the_same_version_twice_is_a_conflict(world, staff_client, settings):
    post_manual(staff_client, world.sem, upload("a.pdf", pdf_bytes("v1")))
    before = stored_files(settings)
    response = post_manual(staff_client, world.sem, upload("b.pdf", pdf_bytes("other")))
    assert response.status_code == 409 and response.data["field"] == "version"
    assert stored_files(settings) == before


@pytest.mark.parametrize(
    "name, content",
    [
        ("manual.pdf", b"This is plain text pretending to be a PDF."),  # the name lies
        ("manual.pdf", image_bytes("PNG")),  # an image renamed
        ("manual.pdf", b"%PDF-1.7\n garbage without structure \n%%EOF"),  # magic bytes only
        ("manual.pdf", pdf_bytes()[:400]),  # truncated: no %%EOF
        ("manual.pdf", b"<html><script>alert(1)</script></html>"),
        ("manual.pdf", b"MZ\x90\x00" + b"\x00" * 200),  # an executable
    ],
)
def test_a_file_that_is_not_really_a_pdf_is_refused_and_nothing_stored(world, staff_client, settings, name, content):
    response = post_manual(staff_client, world.sem, upload(name, content, "application/pdf"))
    assert response.status_code == 400
    assert response.data["field"] == "file" and response.data["code"] == "not_a_pdf"
    assert "PDF" in response.data["detail"]
    assert Manual.objects.count() == 0 and stored_files(settings) == []


def test_empty_and_oversize_manuals_are_refused(world, staff_client, settings):
    settings.MANUAL_MAX_BYTES = 1000
    empty = post_manual(staff_client, world.sem, upload("e.pdf", b""))
    big = post_manual(staff_client, world.sem, upload("b.pdf", pdf_bytes() + b"\n%" + b"x" * 2000 + b"\n%%EOF"))
    assert (empty.status_code, empty.data["code"]) == (400, "file_empty")
    assert (big.status_code, big.data["code"], big.data["field"]) == (400, "file_too_large", "file")
    assert Manual.objects.count() == 0 and stored_files(settings) == []


def test_missing_fields_name_the_field(world, staff_client):
    response = staff_client.post(f"/api/v1/instruments/{world.sem.id}/manuals/", {"title": "x"}, format="multipart")
    assert response.status_code == 400 and "file" in response.data and "version" in response.data


def test_only_the_owning_institutions_staff_may_upload(world, client_for, api, settings):
    file = upload("m.pdf", pdf_bytes())
    assert post_manual(client_for(world.staff_b), world.sem, file).status_code == 403
    assert post_manual(client_for(world.user_a), world.sem, upload("m.pdf", pdf_bytes())).status_code == 403
    assert post_photo(client_for(world.staff_b), world.sem, upload("p.png", image_bytes("PNG"))).status_code == 403
    assert post_manual(api, world.sem, upload("m.pdf", pdf_bytes())).status_code in (401, 403)
    assert Manual.objects.count() == 0 and Photo.objects.count() == 0 and stored_files(settings) == []


def test_anyone_may_list_manuals_and_photos(world, staff_client, api):
    post_manual(staff_client, world.sem, upload("m.pdf", pdf_bytes()))
    assert api.get(f"/api/v1/instruments/{world.sem.id}/manuals/").data["count"] == 1
    assert api.get(f"/api/v1/instruments/{world.sem.id}/photos/").status_code == 200


# --- Manuals that could act in a reader, or blow up -----------------------------------------------
JS_ACTION = b"<< /S /JavaScript /JS (app.alert(1)) >>"
FILESPEC = b"<< /Type /Filespec /F (run.exe) >>"


@pytest.mark.parametrize(
    "content, code",
    [
        (written_pdf(catalog=b"/OpenAction 5 0 R", extra=[JS_ACTION]), "pdf_javascript"),
        (written_pdf(catalog=b"/Names << /JavaScript << /Names [(init) 5 0 R] >> >>", extra=[JS_ACTION]), "pdf_javascript"),
        (written_pdf(page=b"/AA << /O << /S /JavaScript /JS 5 0 R >> >>", extra=[stream_object(b"app.alert(1)", b"[]")]), "pdf_javascript"),
        (written_pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"), "pdf_javascript"),  # escaped names
        (written_pdf(catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>", extra=[stream_object(b"<xdp/>", b"[]")]), "pdf_javascript"),
        (written_pdf(catalog=b"/OpenAction << /S /Launch /F (calc.exe) >>"), "pdf_launch_action"),
        (written_pdf(page=b"/AA << /C << /S /Launch /Win << /F (cmd.exe) >> >> >>"), "pdf_launch_action"),
        (
            written_pdf(
                catalog=b"/Names << /EmbeddedFiles << /Names [(run.exe) 5 0 R] >> >>",
                extra=[b"<< /Type /Filespec /F (run.exe) /EF << /F 6 0 R >> >>", b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"],
            ),
            "pdf_embedded_file",
        ),
        (written_pdf(page=b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 5 0 R >>]", extra=[FILESPEC]), "pdf_embedded_file"),
    ],
    ids=["open-action-js", "names-js", "page-aa-js", "escaped-names-js", "xfa", "launch", "page-aa-launch", "embedded-files", "attachment-annotation"],
)  # fmt: skip  # table: one refused PDF and its code a row
def test_manuals_with_active_content_are_refused_naming_the_reason(world, staff_client, settings, content, code):
    response = post_manual(staff_client, world.sem, upload("manual.pdf", content, "application/pdf"))
    assert response.status_code == 400, response.data
    assert (response.data["code"], response.data["field"]) == (code, "file")
    assert Manual.objects.count() == 0 and stored_files(settings) == []


def test_links_and_an_open_action_that_only_turns_the_page_are_fine(world, staff_client):
    content = written_pdf(
        catalog=b"/OpenAction [3 0 R /Fit]",
        page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://example.jp/) >> >>]",
    )
    response = post_manual(staff_client, world.sem, upload("manual.pdf", content, "application/pdf"))
    assert response.status_code == 201, response.data


@pytest.mark.parametrize(
    "prefix",
    [b"<html><body><script>alert(document.cookie)</script></body></html>\n", b" ", b"\n", b"\xef\xbb\xbf"],
    ids=["html-polyglot", "space", "newline", "bom"],
)
def test_nothing_may_come_before_the_pdf_header(world, staff_client, settings, prefix):
    response = post_manual(staff_client, world.sem, upload("manual.pdf", prefix + written_pdf(), "application/pdf"))
    assert (response.status_code, response.data["code"], response.data["field"]) == (400, "not_a_pdf", "file")
    assert stored_files(settings) == []


def test_the_page_count_comes_from_the_page_tree_not_its_claimed_count(world, staff_client):
    content = written_pdf(pages=b"<< /Type /Pages /Kids [3 0 R] /Count 2147483648 >>")
    response = post_manual(staff_client, world.sem, upload("manual.pdf", content, "application/pdf"))
    assert response.status_code == 201, response.data
    assert Manual.objects.get().pages == 1


def test_a_page_tree_that_repeats_itself_into_a_million_pages_is_refused(world, staff_client, settings):
    # 1,000 references to a node holding 1,000 references to the one page: a million pages in 14 KB
    content = written_pdf(
        pages=b"<< /Type /Pages /Kids [%s] /Count 1000000 >>" % (b"5 0 R " * 1000),
        extra=[b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count 1000 >>" % (b"3 0 R " * 1000)],
    )
    response = post_manual(staff_client, world.sem, upload("manual.pdf", content, "application/pdf"))
    assert (response.status_code, response.data["code"], response.data["field"]) == (400, "pdf_too_many_pages", "file")
    assert stored_files(settings) == []


def test_the_page_limit_is_a_setting(world, staff_client, settings):
    settings.MANUAL_MAX_PAGES = 2
    three = written_pdf(pages=b"<< /Type /Pages /Kids [3 0 R 3 0 R 3 0 R] /Count 3 >>")
    two = written_pdf(pages=b"<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>")
    refused = post_manual(staff_client, world.sem, upload("m.pdf", three), version="3")
    assert (refused.status_code, refused.data["code"]) == (400, "pdf_too_many_pages")
    assert "2" in refused.data["detail"]
    assert post_manual(staff_client, world.sem, upload("m.pdf", two), version="2").status_code == 201


def test_a_199_kb_stream_that_inflates_to_200_mb_is_refused_without_inflating_it_into_memory(world, settings):
    bomb = deflated_zeros(200 * 1024 * 1024)
    assert len(bomb) < 200 * 1024
    content = written_pdf(contents=stream_object(bomb))
    tracemalloc.start()
    try:
        with pytest.raises(UploadRejected) as refused:
            check_pdf(upload("manual.pdf", content))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (refused.value.code, refused.value.field) == ("pdf_inflates_too_much", "file")
    assert peak < 16 * 1024 * 1024  # a few chunks of the count, never the 64 MB limit nor the 200 MB


@pytest.mark.parametrize(
    "filters, encode",
    [
        (b"[/ASCIIHexDecode /FlateDecode]", lambda data: data.hex().encode() + b">"),  # a chain pypdf decodes
        (b"[/FlateDecode /DCTDecode]", lambda data: data),  # "JPEG" data behind a deflate
        (b"/Fl", lambda data: data),  # the abbreviation
    ],
    ids=["hex-then-flate", "flate-then-dct", "abbreviated"],
)
def test_every_filter_chain_is_bounded(world, staff_client, settings, filters, encode):
    settings.MANUAL_MAX_STREAM_BYTES = 1024 * 1024
    content = written_pdf(extra=[stream_object(encode(deflated_zeros(3 * 1024 * 1024)), filters)], catalog=b"/X 5 0 R")
    response = post_manual(staff_client, world.sem, upload("manual.pdf", content, "application/pdf"))
    assert (response.status_code, response.data["code"], response.data["field"]) == (
        400,
        "pdf_inflates_too_much",
        "file",
    )
    assert "1 MB" in response.data["detail"] and stored_files(settings) == []


def test_many_streams_under_the_stream_limit_are_bounded_together(world, staff_client, settings):
    settings.MANUAL_MAX_STREAM_BYTES, settings.MANUAL_MAX_INFLATED_BYTES = 1024 * 1024, 3 * 1024 * 1024
    streams = [stream_object(deflated_zeros(1000 * 1024)) for _ in range(4)]
    content = written_pdf(catalog=b"/X [5 0 R 6 0 R 7 0 R 8 0 R]", extra=streams)
    response = post_manual(staff_client, world.sem, upload("manual.pdf", content, "application/pdf"))
    assert (response.status_code, response.data["code"]) == (400, "pdf_inflates_too_much")
    assert "3 MB" in response.data["detail"]
    settings.MANUAL_MAX_INFLATED_BYTES = 5 * 1024 * 1024
    assert post_manual(staff_client, world.sem, upload("manual.pdf", content)).status_code == 201


# --- Photos --------------------------------------------------------------------------------------
def exif_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "SecretCameraMaker"
    gps = {1: "N", 2: (43.0, 3.0, 50.0), 3: "E", 4: (141.0, 21.0, 15.0)}
    exif[0x8825] = gps
    return exif.tobytes()


@pytest.mark.parametrize("fmt, ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_jpeg_png_and_webp_are_accepted_with_a_thumbnail(world, staff_client, fmt, ext):
    response = post_photo(
        staff_client, world.sem, upload(f"photo.{ext}", image_bytes(fmt, size=(1200, 900))), caption="外観"
    )
    assert response.status_code == 201, response.data
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (1200, 900)
    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.format == fmt and max(thumb.size) <= 480
    assert photo.image.name.endswith(f".{ext}")


def test_exif_and_gps_are_stripped_and_orientation_applied(world, staff_client):
    content = image_bytes("JPEG", size=(80, 40), exif=exif_with_gps_and_rotation())
    with Image.open(io.BytesIO(content)) as original:
        assert original.getexif().get(0x8825)  # the test file really carries GPS
    response = post_photo(staff_client, world.sem, upload("gps.jpg", content, "image/jpeg"))
    assert response.status_code == 201, response.data
    photo = Photo.objects.get()
    with Image.open(photo.image.path) as stored:
        assert stored.size == (40, 80)  # rotated upright
        assert not stored.getexif()  # no EXIF at all: no GPS, no maker
        assert b"SecretCameraMaker" not in open(photo.image.path, "rb").read()


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge canvas (the pixels are never in the file)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * width
    data = zlib.compress(row * 16, 9)  # a few rows are enough to claim the size
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("bomb.png", png_bomb(30000, 30000), "image_too_many_pixels"),  # 900 Mpx claimed in a few KB
        ("photo.jpg", b"just text with a .jpg name", "not_an_image"),
        ("photo.png", pdf_bytes(), "not_an_image"),  # a PDF renamed
        ("anim.gif", image_bytes("GIF"), "not_an_image"),  # real image, format not allowed
        ("photo.bmp", image_bytes("BMP"), "not_an_image"),
        ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not_an_image"),
        ("cut.jpg", image_bytes("JPEG", size=(300, 300))[:200], "not_an_image"),  # truncated
        ("empty.png", b"", "file_empty"),
    ],
)
def test_attacks_and_non_images_are_refused_and_nothing_stored(world, staff_client, settings, name, content, code):
    response = post_photo(staff_client, world.sem, upload(name, content, "image/png"))
    assert response.status_code == 400, response.data
    assert response.data["code"] == code and response.data["field"] == "image"
    assert Photo.objects.count() == 0 and stored_files(settings) == []


def test_pixel_limit_is_a_setting(world, staff_client, settings):
    settings.PHOTO_MAX_PIXELS = 100 * 100
    response = post_photo(staff_client, world.sem, upload("p.png", image_bytes("PNG", size=(101, 100))))
    assert response.status_code == 400 and response.data["code"] == "image_too_many_pixels"
    assert post_photo(staff_client, world.sem, upload("p.png", image_bytes("PNG", size=(100, 100)))).status_code == 201


def test_photos_over_the_byte_limit_are_refused(world, staff_client, settings):
    settings.PHOTO_MAX_BYTES = 500
    out = io.BytesIO()
    Image.frombytes("RGB", (100, 100), os.urandom(30000)).save(out, format="PNG")  # noise: incompressible
    big = out.getvalue()
    assert len(big) > 500
    response = post_photo(staff_client, world.sem, upload("big.png", big))
    assert response.status_code == 400 and response.data["code"] == "file_too_large"
    assert stored_files(settings) == []


def test_staff_delete_a_photo_and_its_files(world, staff_client, settings, django_capture_on_commit_callbacks):
    photo_id = post_photo(staff_client, world.sem, upload("p.png", image_bytes("PNG"))).data["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.delete(f"/api/v1/instruments/{world.sem.id}/photos/{photo_id}/")
    assert response.status_code == 204 and Photo.objects.count() == 0 and stored_files(settings) == []


# --- A rolled-back upload leaves no file -----------------------------------------------------------
def database_fails(*args, **kwargs):
    raise DatabaseError("disk I/O error")


def test_a_manual_whose_transaction_rolls_back_leaves_no_file(world, settings, monkeypatch):
    monkeypatch.setattr(Manual, "save", database_fails)  # after the PDF was written, before its row is
    with pytest.raises(DatabaseError):
        services.upload_manual(
            actor=world.staff_a, instrument=world.sem, upload=upload("m.pdf", pdf_bytes()), title="手順", version="1"
        )
    assert stored_files(settings) == []


@pytest.mark.parametrize("failing", ["row", "thumbnail"])
def test_a_photo_whose_transaction_rolls_back_leaves_neither_image_nor_thumbnail(world, settings, monkeypatch, failing):
    if failing == "row":
        monkeypatch.setattr(Photo, "save", database_fails)
    else:  # the disk fills up between the image and its thumbnail
        real_save = FileSystemStorage._save

        def save(storage, name, content):
            if "-thumb" in name:
                raise OSError(28, "No space left on device")
            return real_save(storage, name, content)

        monkeypatch.setattr(FileSystemStorage, "_save", save)
    with pytest.raises((DatabaseError, OSError)):
        services.upload_photo(actor=world.staff_a, instrument=world.sem, upload=upload("p.png", image_bytes("PNG")))
    assert stored_files(settings) == [] and Photo.objects.count() == 0


def test_a_manual_refused_by_the_database_after_its_file_was_written_leaves_no_file(world, settings, monkeypatch):
    monkeypatch.setattr(Manual.objects, "filter", lambda **kwargs: Manual.objects.none())  # the version check misses
    services.upload_manual(
        actor=world.staff_a, instrument=world.sem, upload=upload("a.pdf", pdf_bytes("a")), title="手順", version="1"
    )
    before = stored_files(settings)
    with pytest.raises(IntegrityError):
        services.upload_manual(
            actor=world.staff_a, instrument=world.sem, upload=upload("b.pdf", pdf_bytes("b")), title="手順", version="1"
        )
    assert stored_files(settings) == before
