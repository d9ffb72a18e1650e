"""The one home of the product's rules that several stages share: statuses, queues, limits, thresholds."""

from __future__ import annotations

STATUSES = ("draft", "done", "skipped", "flagged")  # an annotator's judgment
GOLD_STATUSES = ("draft", "done")  # gold: draft while the adjudicator edits it, done once saved
FINISHED = ("done", "skipped", "flagged")  # statuses that take a sentence out of the todo queue
SET_ASIDE = ("skipped", "flagged")  # finished without a done judgment

TAG_QUEUES = ("assigned", "todo", "all", "flagged", "skipped", "done")  # assigned: the plan's, overlap sample first
REVIEW_QUEUES = ("disagreements", "stale")  # items whose judgments differ; adjudicated gold gone stale

IDLE_SECONDS = 300.0  # a longer pause between two actions is a break, not work (time spent, throughput)
MIN_ACTIVE_SECONDS = 300.0  # less active time than this gives no speed (a few fast bursts are not a rate)

ALPHA_LOW, ALPHA_GOOD = 0.667, 0.8  # Krippendorff's conventional thresholds: red below LOW, yellow below GOOD

UNIT_KINDS = ("sentence", "heading", "caption", "meta")  # what the segmenter makes; only sentences are judged
SOURCE_FORMATS = ("text", "pdf", "docx", "html")  # documents.format: what a document was extracted from
