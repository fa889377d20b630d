// The viewer of a case's attachment (yakuba.consult.views.attachments). No inline script (CSP):
// pdf.js is the legacy build served from this site, eval off, its worker a module of this site;
// every page is drawn on a canvas under the watermark. No save, no context menu, no drag.
const frame = document.querySelector("[data-testid=attachment-viewer]");

if (frame) {
  for (const type of ["contextmenu", "dragstart", "copy"]) {
    frame.addEventListener(type, (event) => event.preventDefault());
  }
  if (frame.dataset.kind === "pdf") {
    showPdf(frame).catch(() => {
      const box = frame.querySelector("[data-testid=pdf-pages]");
      if (box) box.textContent = "PDF を表示できませんでした。ページを開き直してください。";
    });
  }
}

async function showPdf(frame) {
  const pdfjs = await import(frame.dataset.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = frame.dataset.worker;
  const task = pdfjs.getDocument({
    url: frame.dataset.src,
    isEvalSupported: false,
    enableXfa: false,
    cMapUrl: frame.dataset.cmaps,
    cMapPacked: true,
    standardFontDataUrl: frame.dataset.fonts,
    withCredentials: true,
    disableAutoFetch: true,
  });
  const doc = await task.promise;
  const box = frame.querySelector("[data-testid=pdf-pages]");
  box.textContent = "";
  const scale = Math.min(2, (window.devicePixelRatio || 1) * 1.25);
  for (let n = 1; n <= doc.numPages; n += 1) {
    const page = await doc.getPage(n);
    const viewport = page.getViewport({ scale });
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.setAttribute("aria-label", `${n} ページ`);
    box.appendChild(canvas);
    await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
  }
}
