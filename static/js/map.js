/* The map of claims by place (templates/includes/_map.html).
 *
 * The page embeds its points as JSON (a <script type="application/json">, never
 * run); Leaflet draws each as a circle coloured by the status badge's class and
 * sized by its number of claims, over the tiles of MAP_TILE_URL or, when none is
 * set, over country borders read from the bundled Natural Earth file, so the map
 * works offline. Without JavaScript the container stays hidden and the table of
 * places beside it says the same. Popups are built as elements, never from HTML,
 * so a place's name is shown as text.
 */
(function () {
  "use strict";

  var MIN_RADIUS = 5;
  var MAX_RADIUS = 24;

  function radius(count, most) {
    // Area, not radius, in proportion to the number of claims.
    return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(count / most);
  }

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
  }

  function popup(point) {
    var box = element("div", "", { "class": "claim-map-popup" });
    var title = element("p", "", { "class": "claim-map-popup-title" });
    title.appendChild(element("a", point.name, { href: point.place_url }));
    box.appendChild(title);
    box.appendChild(element("p", point.count + (point.count === 1 ? " claim" : " claims")));
    var statuses = element("ul");
    point.statuses.forEach(function (entry) {
      statuses.appendChild(element("li", entry.label + ": " + entry.count));
    });
    box.appendChild(statuses);
    var more = element("p");
    more.appendChild(element("a", "Claims about " + point.name, { href: point.list_url }));
    box.appendChild(more);
    return box;
  }

  function graticule(map) {
    var lines = [];
    for (var lat = -80; lat <= 80; lat += 10) lines.push([[lat, -180], [lat, 180]]);
    for (var lon = -180; lon <= 180; lon += 10) lines.push([[-85, lon], [85, lon]]);
    L.polyline(lines, { className: "claim-map-graticule", interactive: false }).addTo(map);
  }

  function borders(map, url) {
    if (!window.topojson || !window.fetch) return;
    fetch(url)
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + url);
        return response.json();
      })
      .then(function (world) {
        var countries = window.topojson.feature(world, world.objects.countries);
        var layer = L.geoJSON(countries, { className: "claim-map-land", interactive: false });
        layer.addTo(map).bringToBack();
        map.getContainer().setAttribute("data-borders-drawn", "");
      })
      .catch(function () {
        // The graticule alone still places the points.
      });
  }

  function draw(container) {
    var data = JSON.parse(document.getElementById(container.getAttribute("data-claim-map")).textContent);
    if (!window.L || !data.points.length) return;
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false, zoomSnap: 0.5, worldCopyJump: true });
    if (data.tiles) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 18 }).addTo(map);
    } else {
      container.classList.add("claim-map-offline");
      graticule(map);
      borders(map, container.getAttribute("data-borders"));
      map.attributionControl.addAttribution("Borders: Natural Earth");
    }
    var most = Math.max.apply(null, data.points.map(function (point) { return point.count; }));
    var points = L.featureGroup(
      data.points.map(function (point) {
        return L.circleMarker([point.lat, point.lon], {
          radius: radius(point.count, most),
          className: "claim-map-point " + point.status_class,
        }).bindPopup(function () { return popup(point); });
      })
    ).addTo(map);
    map.fitBounds(points.getBounds(), { padding: [40, 40], maxZoom: 7 });
  }

  document.querySelectorAll("[data-claim-map]").forEach(draw);
})();
