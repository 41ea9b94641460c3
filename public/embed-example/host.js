// The example host's reaction to the app's DOM events (docs/embedding.md): one list item per event.
const EVENTS = [
  "betterbeing:zoom-connected",
  "betterbeing:zoom-disconnected",
  "betterbeing:zoom-needs-reauth",
  "betterbeing:session-link-changed",
];

const mount = document.getElementById("betterbeing-zoom");
const log = document.getElementById("host-events");

for (const name of EVENTS) {
  mount.addEventListener(name, (event) => {
    const item = document.createElement("li");
    item.dataset.event = name;
    item.textContent = `${name} ${JSON.stringify(event.detail)}`;
    log.append(item);
    console.info(name, event.detail);
  });
}
