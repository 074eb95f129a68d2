import Foundation

/// Fans reload events out to every open browser tab (server-sent events).
actor LiveReload {
    private var listeners: [UUID: AsyncStream<String>.Continuation] = [:]
    private var closed = false

    /// After `close()` the stream is already finished: a tab reconnecting while the server stops gets no
    /// stream that would keep the server waiting for it.
    func subscribe() -> (UUID, AsyncStream<String>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(8))
        if closed { continuation.finish() } else { listeners[id] = continuation }
        return (id, stream)
    }

    /// Ends every event stream, now and later: the server's graceful shutdown waits for open responses,
    /// and an event stream never ends by itself (not even when its tab has closed, until a write fails).
    func close() {
        closed = true
        for continuation in listeners.values { continuation.finish() }
        listeners.removeAll()
    }

    func unsubscribe(_ id: UUID) {
        listeners.removeValue(forKey: id)?.finish()
    }

    func send(_ event: String) {
        for continuation in listeners.values { continuation.yield(event) }
    }

    var count: Int { listeners.count }

    /// The few lines injected into every preview page (never into a built site).
    static let script = """
    (function () {
      var overlay;
      function show(errors) {
        if (!errors.length) { if (overlay) { overlay.remove(); overlay = null; } return; }
        if (!overlay) {
          overlay = document.createElement('div');
          overlay.id = 'portico-preview-overlay';
          overlay.setAttribute('role', 'alert');
          overlay.style.cssText = 'position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem';
          document.body.appendChild(overlay);
        }
        overlay.textContent = '';
        var h = document.createElement('h2');
        h.textContent = 'Portico: ' + errors.length + ' error' + (errors.length > 1 ? 's' : '') + ' — fix and save, this page reloads by itself';
        overlay.appendChild(h);
        errors.forEach(function (e) {
          var p = document.createElement('pre');
          p.style.whiteSpace = 'pre-wrap';
          p.textContent = e.location + ': ' + e.message + (e.hint ? '\\n  fix: ' + e.hint : '');
          overlay.appendChild(p);
        });
      }
      function status() { fetch('/_portico/status').then(function (r) { return r.json(); }).then(function (s) { show(s.errors); }); }
      var source = new EventSource('/_portico/events');
      source.onmessage = function (e) { if (e.data === 'reload') location.reload(); };
      status();
    })();
    """
}
