// Click-to-load embeds (content/embeds.py): nothing is asked of YouTube, X or Instagram
// until the reader clicks; without this script the block is a plain link to the post.
document.querySelectorAll("figure.embed[data-embed-frame]").forEach(function (figure) {
  var provider = figure.getAttribute("data-embed-provider")
  var button = document.createElement("button")
  button.type = "button"
  button.className = "embed__load"
  button.textContent = "Load the " + provider + " post here"
  var note = document.createElement("p")
  note.className = "embed__note"
  note.textContent = "Loading it lets " + provider + " see your visit and set cookies."
  figure.append(button, note)
  button.addEventListener("click", function () {
    var frame = document.createElement("iframe")
    frame.src = figure.getAttribute("data-embed-frame")
    frame.title = provider + " post"
    frame.allow = "encrypted-media; picture-in-picture; fullscreen"
    frame.referrerPolicy = "strict-origin-when-cross-origin"
    frame.className = "embed__frame"
    figure.replaceChildren(frame)
    frame.focus()
  })
})
