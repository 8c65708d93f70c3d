"""The UI's own CSS and the script that opens a source when its marker is clicked."""

CSS = """
.sw-sources { display: flex; flex-direction: column; gap: 0.5rem; }
.sw-exchange > summary { cursor: pointer; margin-bottom: 0.4rem; }
.sw-source { border: 1px solid var(--border-color-primary); border-radius: 6px;
             padding: 0.4rem 0.6rem; margin: 0.3rem 0; background: var(--background-fill-primary); }
.sw-source > summary { cursor: pointer; }
.sw-marker { font-weight: 700; color: var(--color-accent); margin-right: 0.2rem; }
.sw-title { font-weight: 600; }
.sw-meta { display: block; font-size: 0.85em; color: var(--body-text-color-subdued); }
.sw-passage { margin-top: 0.5rem; line-height: 1.5; white-space: pre-wrap; }
mark.sw-quote { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 2px; }
.sw-doc { margin-top: 0.4rem; font-size: 0.8em; color: var(--body-text-color-subdued); }
.sw-not-found { border-left: 4px solid #d97706; background: #fffbeb; color: #78350f;
                padding: 0.5rem 0.75rem; border-radius: 4px; }
.sw-not-found p { margin: 0.3rem 0 0; }
.sw-flash { outline: 3px solid #f59e0b; outline-offset: 2px; }
.sw-empty { color: var(--body-text-color-subdued); }
.sw-documents { width: 100%; border-collapse: collapse; font-size: 0.9em;
                overflow-wrap: anywhere; }
.sw-compare { display: flex; flex-direction: column; gap: 0.8rem; }
.sw-position { border: 1px solid var(--border-color-primary); border-radius: 6px;
               padding: 0.5rem 0.8rem; background: var(--background-fill-primary); }
.sw-position h3 { margin: 0 0 0.4rem; font-size: 1em; }
.sw-position ol { margin: 0; padding-left: 1.2rem; }
.sw-unit blockquote { margin: 0.3rem 0 0; white-space: pre-wrap; line-height: 1.5; }
.sw-stance blockquote { border-left: 3px solid #d97706; padding-left: 0.5rem; }
.sw-silent { color: var(--body-text-color-subdued); }
.sw-documents th, .sw-documents td { text-align: left; vertical-align: top;
    padding: 0.3rem 0.4rem; border-bottom: 1px solid var(--border-color-primary); }
"""

# Clicking a marker link "#bron-K-N" in an answer opens that source (and its answer's group)
# in the panel and scrolls it into view, instead of leaving the page. Uploads carry the key.
HEAD = r"""
<script>
(function () {
  document.documentElement.lang = "nl";
  function openSource(id) {
    var el = document.getElementById(id);
    if (!el) { return false; }
    for (var node = el; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    el.scrollIntoView({block: "center"});
    el.classList.add("sw-flash");
    setTimeout(function () { el.classList.remove("sw-flash"); }, 1600);
    return true;
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target && target.closest ? target.closest("a[href*='#bron-']") : null;
    if (!link) { return; }
    var id = link.getAttribute("href").split("#").pop();
    if (openSource(id)) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  window.sectorwijzerOpenSource = openSource;
  // The server accepts a file upload only with the key (when one is set): send the key typed
  // under "Beheersleutel" with Gradio's upload request, which cannot carry it otherwise.
  var nativeFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || String(input);
    var box = document.querySelector("#key input");
    if (box && box.value && /\/gradio_api\/upload(\?|$)/.test(url)) {
      init = Object.assign({}, init || {});
      var headers = new Headers(init.headers || {});
      headers.set("X-API-Key", box.value);
      init.headers = headers;
    }
    return nativeFetch(input, init);
  };
})();
</script>
"""
