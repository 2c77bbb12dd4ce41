// Click-to-load embeds (content/embeds.py): nothing is asked of YouTube, X or Instagram
// until the reader clicks; without this script the block is a plain link to the post.
document.querySelectorAll("figure.embed .embed__load[data-embed-frame]").forEach(function (button) {
  button.hidden = false
  button.addEventListener("click", function () {
    var figure = button.closest("figure.embed")
    var frame = document.createElement("iframe")
    frame.src = button.getAttribute("data-embed-frame")
    frame.title = button.textContent
    frame.loading = "lazy"
    frame.allow = "encrypted-media; picture-in-picture; fullscreen"
    frame.referrerPolicy = "strict-origin-when-cross-origin"
    frame.className = "embed__frame"
    figure.replaceChildren(frame)
  })
})
