"""The web chat's stylesheet and page script (strings, so app.py only passes them to Gradio).

Colours are chosen for at least 4.5:1 contrast on their backgrounds (WCAG 2.2 AA); focus is the
GOV.UK style (yellow with a dark edge) on every control.
"""

CSS = """
.sg-doc-table {border-collapse: collapse; width: 100%; font-size: 0.9em}
.sg-doc-table th, .sg-doc-table td {border-bottom: 1px solid #b1b4b6; padding: 4px 6px; text-align: left;
  vertical-align: top; color: #0b0c0c}
.sg-doc-table tr.sg-doc-local td {background: #eef7ee}
.sg-doc-table td.sg-state-indexed strong {color: #00703c}
.sg-doc-table td.sg-state-missing strong, .sg-doc-table td.sg-state-stale strong,
.sg-doc-table td.sg-state-failed strong {color: #942514}
.sg-doc-table td.sg-state small {display: block; max-width: 22em}
.gradio-container {max-width: 1100px !important; margin: 0 auto !important}
#sg-title h1 {font-size: 1.5rem; margin: 0 0 2px 0; line-height: 1.25; color: #0b0c0c}
#sg-title p {margin: 0; color: #383f43; font-size: 0.95rem}
.sg-safety {background:#fff4e5;border-left:4px solid #b45309;padding:6px 10px;font-size:0.95em;
  color:#0b0c0c}
.sg-warn {background:#fef3c7;border-left:4px solid #b45309;padding:6px 10px;margin:4px 0;
  color:#0b0c0c}
.sg-head {font-size:0.85em;color:#383f43;margin-bottom:4px}
.sg-answer {line-height:1.5}
a.sg-marker {font-weight:700;color:#1d3f8f !important;text-decoration:underline;padding:0 1px}
.sg-notices {font-size:0.88em;color:#383f43;margin:6px 0 0 0;padding-left:18px}
.sg-cards {margin-top:10px;display:flex;flex-direction:column;gap:6px}
.sg-cards-head {font-weight:700;font-size:0.9em;color:#0b0c0c}
.sg-card {border:1px solid #b1b4b6;border-radius:4px;padding:4px 10px;background:#ffffff;
  color:#0b0c0c}
.sg-card summary {cursor:pointer}
.sg-card-title {font-weight:700}
.sg-card-meta {font-size:0.85em;color:#383f43}
.sg-card-note {font-size:0.88em;background:#fef3c7;padding:4px 6px;margin-top:4px}
.sg-card-chunk {margin-top:6px;font-size:0.92em}
.sg-page {margin-top:8px;border-top:1px dashed #6f777b;padding-top:6px}
.sg-page-head {font-size:0.85em;font-weight:700}
.sg-page-text {max-height:360px;overflow-y:auto;font-size:0.88em;white-space:normal}
.sg-card img.sg-page-img {display:block;width:100% !important;max-width:720px !important;
  height:auto !important;max-height:none !important;border:1px solid #b1b4b6;margin-top:4px}
.sg-links {margin-top:4px;font-size:0.9em}
.sg-links a {color:#1d3f8f !important;text-decoration:underline}
.sg-card mark, .sg-answer mark {background:#fff2a8;color:#0b0c0c;padding:0 1px}
.sg-badge {background:#fee2e2;color:#8a1c1c;font-size:0.75em;padding:0 4px;border-radius:3px}
.sg-error {color:#8a1c1c}
.sg-wait {color:#383f43;font-style:italic}
.sg-del {background:#fee2e2;color:#8a1c1c}
.sg-ins {background:#dcfce7;color:#14532d;text-decoration:none}
.sg-role {background:#e0e7ff;color:#312e81;font-size:0.75em;padding:0 4px;border-radius:3px}
.sg-cmp-title {font-size:1.1rem;margin:4px 0}
.sg-changes {padding-left:22px;margin:6px 0}
.sg-change {margin-bottom:10px}
.sg-change-head {font-weight:700;font-size:0.9em}
.sg-change-text {line-height:1.5}
.sg-change-where {font-size:0.85em;color:#383f43}
.sg-minor > summary {cursor:pointer;font-weight:700}
.sg-vh {position:absolute !important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
  white-space:nowrap}
.info-text, .show-api, footer a, footer button {color:#383f43 !important}
/* visible focus on every control (GOV.UK style) */
#sg-question textarea:focus, #sg-question textarea:focus-visible,
.gradio-container input:focus-visible, .gradio-container textarea:focus-visible,
.gradio-container button:focus-visible, .gradio-container summary:focus-visible,
.gradio-container a:focus-visible, .gradio-container [tabindex]:focus-visible {
  outline: 3px solid #ffdd00 !important; outline-offset: 0 !important;
  box-shadow: 0 0 0 5px #0b0c0c !important}
#sg-chat {scroll-padding-top: 8px}
@media (max-width: 640px) {
  #sg-title p {display:none}
  #sg-title h1 {font-size: 1.2rem}
  .sg-safety {font-size: 0.85em; padding: 4px 8px}
  #sg-chat {height: 34vh !important; min-height: 220px !important}
  #sg-title {padding: 0 !important; margin: 0 !important}
  .gradio-container {padding: 6px 8px !important}
  .gradio-container .gap, .gradio-container .form {gap: 6px !important}
  #sg-status {min-height: 0 !important; padding: 0 !important; margin: 0 !important}
  #sg-controls {flex-wrap: wrap !important}
  #sg-controls > * {min-width: 100% !important}
}
"""

# Runs once on the page. Gradio re-renders chat messages as they stream, so everything is done
# with event delegation and one MutationObserver, never by holding on to elements.
JS = """
<script>
(() => {
  let seen = 0, pinned = null;
  const chat = () => document.getElementById('sg-chat');
  const log = () => chat() && (chat().querySelector('[role=log]') || chat());
  // [n] markers open their source card and bring it into view.
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a.sg-marker');
    if (!a) return;
    // Gradio's sanitiser keeps ids and hrefs (not data- attributes): #sg<answer>-src-<n>
    const card = document.getElementById((a.getAttribute('href') || '').slice(1));
    if (!card || !card.classList.contains('sg-card')) return;
    ev.preventDefault(); ev.stopPropagation();
    pinned = null;
    card.open = true;
    const box = log();
    if (box) box.scrollTop += card.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    const s = card.querySelector('summary');
    if (s) s.focus({preventScroll: true});
  }, true);
  // A new question is pinned to the top of the chat while its answer streams in, so the
  // answer's first line stays in view (Gradio's own autoscroll is off: it would show the end
  // of a long answer). Scrolling by the user unpins it.
  const unpin = () => { pinned = null; };
  ['wheel', 'touchmove'].forEach((t) => document.addEventListener(t, unpin, {passive: true}));
  document.addEventListener('click', (ev) => {
    if (ev.target.closest && ev.target.closest('#sg-chat summary')) unpin();
  }, true);
  document.addEventListener('keydown', (ev) => {
    if (['PageUp', 'PageDown', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(ev.key)
        && !(ev.target.closest && ev.target.closest('#sg-question'))) unpin();
  }, true);
  const keepInView = () => {
    // the date picker's calendar button has no name of its own
    document.querySelectorAll('#sg-asat button.calendar:not([aria-label])').forEach((b) =>
      b.setAttribute('aria-label', 'Choose a date from a calendar'));
    const box = log();
    if (!box) return;
    const qs = box.querySelectorAll('.sg-q');
    if (qs.length > seen) pinned = qs[qs.length - 1];
    seen = qs.length;
    if (pinned && pinned.isConnected) {
      const row = pinned.closest('.message-row') || pinned;
      const delta = row.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      if (Math.abs(delta) > 2) box.scrollTop += delta;
    }
    // messages are labelled by Gradio with their whole HTML: keep the labels short
    box.querySelectorAll('[aria-label]').forEach((el) => {
      const label = el.getAttribute('aria-label');
      if (label && label.length > 60) {
        const user = /^user/i.test(label) || el.querySelector('.sg-q');
        el.setAttribute('aria-label', user ? 'Your question' : 'Answer');
      }
    });
  };
  new MutationObserver(keepInView).observe(document.documentElement,
    {childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label']});
})();
</script>
"""
