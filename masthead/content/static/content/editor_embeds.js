// The rich editor's embeds (loaded by django-prose-editor, see content/editor.py):
// a picture from the library, <figure data-picture="12"></figure>, and an allowed
// provider's post, <figure data-embed="https://..."></figure>. The site renders both
// (content/embeds.py); the server's sanitiser (content/sanitize.py) drops anything else.
import { Node } from "django-prose-editor/editor"

const PROVIDERS = /^https:\/\/((www\.|m\.)?youtube\.com|youtu\.be|(www\.|mobile\.)?(x|twitter)\.com|(www\.)?instagram\.com)\/\S+$/

function label(text) {
  const dom = document.createElement("figure")
  dom.className = "masthead-embed"
  dom.style.cssText = "border:1px dashed #888;padding:.75em;margin:1em 0;background:#f6f6f6;font:14px sans-serif"
  dom.textContent = text
  return { dom }
}

export const PictureEmbed = Node.create({
  name: "pictureEmbed",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      picture: {
        default: null,
        parseHTML: (el) => el.getAttribute("data-picture"),
        renderHTML: (attrs) => ({ "data-picture": attrs.picture }),
      },
    }
  },
  parseHTML() {
    return [{ tag: "figure[data-picture]" }]
  },
  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },
  addNodeView() {
    return ({ node }) => label(`Picture ${node.attrs.picture} from the picture library`)
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "pictureEmbed",
      groups: "nodes",
      button: buttons.material("image", "Picture from the library"),
      command(editor) {
        const number = (window.prompt("The picture's number in the picture library (Content › Pictures)") || "").trim()
        if (/^\d+$/.test(number)) {
          // After the selection, so a selected embed is never replaced by the new one.
          editor.chain().focus().insertContentAt(editor.state.selection.to, { type: "pictureEmbed", attrs: { picture: number } }).run()
        }
      },
    })
  },
})

export const MediaEmbed = Node.create({
  name: "mediaEmbed",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      url: {
        default: null,
        parseHTML: (el) => el.getAttribute("data-embed"),
        renderHTML: (attrs) => ({ "data-embed": attrs.url }),
      },
    }
  },
  parseHTML() {
    return [{ tag: "figure[data-embed]" }]
  },
  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },
  addNodeView() {
    return ({ node }) => label(`Embedded post: ${node.attrs.url}`)
  },
  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "mediaEmbed",
      groups: "nodes",
      button: buttons.material("smart_display", "Embed a YouTube, X or Instagram post"),
      command(editor) {
        const url = (window.prompt("The post's address (YouTube, X/Twitter or Instagram)") || "").trim()
        if (PROVIDERS.test(url)) {
          editor.chain().focus().insertContentAt(editor.state.selection.to, { type: "mediaEmbed", attrs: { url } }).run()
        } else if (url) {
          window.alert("Only YouTube, X/Twitter and Instagram addresses (https://...) can be embedded.")
        }
      },
    })
  },
})
