"""The static files' storage in production: WhiteNoise's compressed manifest, without rewriting source-map links.

A vendored bundle (EventCalendar's `event-calendar.min.js`) ends with `//# sourceMappingURL=….map` but the map is
not shipped; Django's manifest storage would then stop `collectstatic` ("could not be found"). The site serves no
source maps, so those comments are left as written, and every other reference (CSS `url()`, `@import`) is still
hashed and checked."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    def is_source_map(pattern) -> bool:
        return "sourceMappingURL" in (pattern if isinstance(pattern, str) else pattern[0])

    return tuple((extension, tuple(p for p in found if not is_source_map(p))) for extension, found in patterns)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
