"""Consultation pages, split by what a reader looks for: `public` (the resident's journey and receipt
look-up), `results` (public and board results, the board's response, the split, exports) and `manage`
(officers' and the board's management pages). `base` holds what they share. No re-exports: import the
module that holds a view."""
