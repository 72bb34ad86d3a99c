"""Definition images over the API: uploaded, checked and shrunk like in the form; a
definition's ``image`` must name an uploaded one."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.issuing.test_images import SVG_OPEN, png


def _upload(client, organisation, data: bytes, name: str):
    return client.post(
        f"/api/v1/organisations/{organisation.public_id}/images",
        {"file": SimpleUploadedFile(name, data)},
    )


def test_an_uploaded_png_is_shrunk_and_can_be_given_to_a_definition(
    personas, client, published_definition
):
    client.force_login(personas.alice)
    uploaded = _upload(client, personas.uni_a, png(1024, 768), "badge.png")
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert (body["media_type"], body["width"], body["height"]) == ("image/png", 512, 384)
    served = client.get(f"/media/{body['image']}")
    assert Image.open(io.BytesIO(served.content)).size == (512, 384)
    changed = client.patch(
        f"/api/v1/definitions/{published_definition.public_id}",
        {"image": body["image"]},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["latest"]["image"] == body["image"]


def test_a_definition_cannot_name_an_image_nobody_uploaded(personas, client, published_definition):
    client.force_login(personas.alice)
    response = client.patch(
        f"/api/v1/definitions/{published_definition.public_id}",
        {"image": "https://tracker.example/pixel.png"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["problems"][0].startswith("image:")


def test_an_svg_with_a_script_is_refused_with_the_reason(personas, client):
    client.force_login(personas.alice)
    svg = (SVG_OPEN + ' width="10" height="10"><script>alert(1)</script></svg>').encode()
    response = _upload(client, personas.uni_a, svg, "badge.svg")
    assert response.status_code == 422
    assert "script" in str(response.json()["error"]).lower()


def test_only_members_who_define_may_upload(personas, client):
    client.force_login(personas.dave)
    assert _upload(client, personas.uni_a, png(10, 10), "badge.png").status_code == 404
    client.force_login(personas.victor)
    assert _upload(client, personas.uni_a, png(10, 10), "badge.png").status_code == 403
