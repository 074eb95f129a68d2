import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import PorticoCore
import PorticoGate

/// `/console`: the account team's pages, server-rendered from the theme's console templates. Every action is a
/// plain form POST (no JavaScript needed), answered with a redirect; every POST must come from this origin.
struct ConsoleController: Sendable {
    let configuration: ServerConfiguration
    let directory: DirectoryHolder
    let store: any PorticoStore
    let theme: ConsoleTheme
    let overview: OverviewCache

    static let sessionLength: Duration = .seconds(12 * 3600)
    static let quietDays = 30

    func register(on router: Router<FeedbackRequestContext>, sessions: SessionStorage<ConsoleSession>) {
        let group = router.group("console")
            .add(middleware: SessionMiddleware(sessionStorage: sessions, defaultSessionExpiration: Self.sessionLength))
            .add(middleware: ConsoleHeaders())
        group.get { request, context in try await page(request, context) { staff, language in try await overview(request, staff, language) } }
        group.get("console.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(bytes: theme.stylesheet)))
        }
        group.get("sign-in") { request, context in signInPage(request, context) }
        group.post("sign-in") { request, context in try await signIn(request, context) }
        group.post("sign-out") { request, context in try await signOut(request, context) }
        group.get("accounts/:slug") { request, context in
            try await page(request, context) { staff, language in try await account(context.parameters.get("slug") ?? "", staff, language, request) }
        }
        group.get("inbox") { request, context in try await page(request, context) { staff, language in try await inbox(staff, language) } }
        group.get("items/:kind/:id") { request, context in
            try await page(request, context) { staff, language in
                try await item(kind: context.parameters.get("kind") ?? "", id: context.parameters.get("id", as: Int64.self), staff, language, request)
            }
        }
        group.post("items/:kind/:id") { request, context in try await act(request, context) }
    }

    // MARK: sign-in and out

    func signInPage(_ request: Request, _ context: FeedbackRequestContext) -> Response {
        let language = language(request, context)
        var values = base(language, staff: nil)
        values["title"] = .string(text("signInTitle", language))
        if let token = request.uri.queryParameters["t"].map(String.init) {
            // A GET never signs in: mail scanners open links; a person presses the button (a POST).
            values["token"] = .string(token)
            if let id = token.split(separator: ".").first.map(String.init), let member = directory.current.portal.staffMember(id) {
                values["name"] = .string(member.name)
            }
        }
        return html(theme.render("sign-in", values))
    }

    func signIn(_ request: Request, _ context: FeedbackRequestContext) async throws -> Response {
        if let refused = checkOrigin(request, context) { return refused }
        let language = language(request, context)
        guard let form = await FormBody.read(request), let token = form["t"] else {
            return message(.badRequest, "signInRefused", detail: text("signInMissing", language), language)
        }
        let snapshot = directory.current
        let staffID: String
        do {
            staffID = try StaffLink.verify(token, keys: snapshot.staffKeys, today: configuration.today())
        } catch {
            return message(.forbidden, "signInRefused", detail: error.description, language)
        }
        guard snapshot.portal.staffMember(staffID) != nil else {
            return message(.forbidden, "signInRefused", detail: StaffLink.Refusal.unknownStaff.description, language)
        }
        context.sessions.createSession(ConsoleSession(staffID: staffID, language: context.sessions.session?.language), expiresIn: Self.sessionLength)
        return redirect("/console")
    }

    func signOut(_ request: Request, _ context: FeedbackRequestContext) async throws -> Response {
        if let refused = checkOrigin(request, context) { return refused }
        context.sessions.clearSession()
        return redirect("/console/sign-in")
    }

    // MARK: pages

    /// Runs `render` for a signed-in person, or shows the sign-in page.
    func page(_ request: Request, _ context: FeedbackRequestContext,
              _ render: (ConsoleAccess, Language) async throws -> Response) async throws -> Response {
        let language = language(request, context)
        if let lang = request.uri.queryParameters["lang"].flatMap({ Language(tag: String($0)) }), var session = context.sessions.session {
            session.language = lang.rawValue
            context.sessions.createSession(session)
        }
        guard let staff = signedIn(context) else {
            var values = base(language, staff: nil)
            values["title"] = .string(text("signInTitle", language))
            return html(theme.render("sign-in", values), status: .unauthorized)
        }
        do {
            return try await render(staff, language)
        } catch let error as ConsoleError {
            return message(error.status, error.titleKey, detail: error.detail.isEmpty ? text("notFound", language) : error.detail, language, staff: staff)
        }
    }

    /// The signed-in person, while portal.yml and the server key file still list them.
    func signedIn(_ context: FeedbackRequestContext) -> ConsoleAccess? {
        guard let session = context.sessions.session else { return nil }
        let snapshot = directory.current
        guard let member = snapshot.portal.staffMember(session.staffID), snapshot.staffKeys[member.id] != nil else {
            context.sessions.clearSession()
            return nil
        }
        return ConsoleAccess(member: member)
    }

    func language(_ request: Request, _ context: FeedbackRequestContext) -> Language {
        if let lang = request.uri.queryParameters["lang"].flatMap({ Language(tag: String($0)) }) { return lang }
        if let stored = context.sessions.session?.language.flatMap(Language.init(tag:)) { return stored }
        return directory.current.portal.languages.first ?? .en
    }

    func text(_ key: String, _ language: Language) -> String { theme.strings(language)[key] ?? key }

    func base(_ language: Language, staff: ConsoleAccess?) -> TemplateMap {
        let portal = directory.current.portal
        var values: TemplateMap = [
            "lang": .string(language.rawValue), "t": TemplateValue(theme.strings(language)),
            "portal": ["title": .string(portal.title)], "hasLanguages": .bool(portal.languages.count > 1),
            "languages": .list(portal.languages.map { other in
                ["code": .string(other.rawValue), "label": .string(theme.strings(other)["languageName"] ?? other.rawValue),
                 "current": .bool(other == language), "url": .string("?lang=\(other.rawValue)")]
            }),
        ]
        if let staff {
            values["staff"] = ["name": .string(staff.member.name), "role": .string(text("role-\(staff.member.role.rawValue)", language))]
        }
        return values
    }

    func overview(_ request: Request, _ staff: ConsoleAccess, _ language: Language) async throws -> Response {
        let snapshot = directory.current
        let days = request.uri.queryParameters["days"].flatMap { Int(String($0)) }.map { min(max($0, 1), 365) } ?? 30
        let now = configuration.clock(), today = configuration.today()
        let store = store
        let totals = try await overview.totals(days: days, now: now) {
            try await store.accountTotals(from: now.addingTimeInterval(-Double(days) * 86_400), to: now)
        }
        let quietSince = now.addingTimeInterval(-Double(Self.quietDays) * 86_400)
        var rows = snapshot.accounts.values.filter { staff.sees($0.config.slug) }.map { entry -> OverviewRow in
            let total = totals[entry.config.slug] ?? ConsoleQueries.AccountTotals()
            let active = entry.viewers.values.filter { ViewerStatus($0.viewer, today: today) == .active }.count
            return OverviewRow(slug: entry.config.slug, name: entry.config.name[language], totals: total, viewers: active,
                               quiet: (total.lastActivity ?? .distantPast) < quietSince)
        }
        let sort = request.uri.queryParameters["sort"].map(String.init) ?? "name"
        rows.sort(by: OverviewRow.order(sort))
        var values = base(language, staff: staff)
        values["title"] = .string(text("accountsTitle", language))
        values["navAccounts"] = true
        values["days"] = .int(days)
        values["sorts"] = .list(["name", "minutes", "readers", "pieces", "last", "feedback", "workshops"].map { key in
            ["key": .string(key), "label": .string(text("col-\(key)", language)), "url": .string("?sort=\(key)&days=\(days)"),
             "current": .bool(key == sort)]
        })
        values["accounts"] = .list(rows.map { $0.context(language, format: Self.dateText) })
        values["empty"] = .bool(rows.isEmpty)
        return html(theme.render("accounts", values))
    }

    func account(_ slug: String, _ staff: ConsoleAccess, _ language: Language, _ request: Request) async throws -> Response {
        let snapshot = directory.current
        // Another account's page answers exactly like one that does not exist.
        guard staff.sees(slug), let entry = snapshot.account(slug: slug) else { throw ConsoleError.notFound }
        let days = request.uri.queryParameters["days"].flatMap { Int(String($0)) }.map { min(max($0, 1), 365) } ?? 90
        let from = configuration.clock().addingTimeInterval(-Double(days) * 86_400)
        let (readers, pages) = try await store.accountReading(account: slug, from: from)
        let seen = try await store.lastSeen(account: slug)
        let byViewer = Dictionary(readers.map { ($0.viewer, $0) }, uniquingKeysWith: { first, _ in first })
        let viewers = entry.config.viewers.sorted { (byViewer[$0.id]?.seconds ?? 0, $1.id) > (byViewer[$1.id]?.seconds ?? 0, $0.id) }
        var topics: [String: Int] = [:]
        for page in pages { for tag in entry.pages[page.page]?.tags ?? [] { topics[tag, default: 0] += page.seconds } }
        let items = try await store.items(.account(slug), limit: 50)
        var values = base(language, staff: staff)
        values["title"] = .string(entry.config.name[language])
        values["navAccounts"] = true
        values["days"] = .int(days)
        let today = configuration.today()
        values["readers"] = .list(viewers.map { viewer in
            let row = byViewer[viewer.id]
            return ["name": .string(viewer.displayName), "id": .string(viewer.id),
                    "status": .string(text("status-\(ViewerStatus(viewer, today: today).rawValue)", language)),
                    "lastSeen": .string(seen[viewer.id].map(Self.dateText) ?? text("never", language)),
                    "minutes": .string(Self.minutes(row?.seconds ?? 0)), "pieces": .int(row?.pieces ?? 0)]
        })
        values["topics"] = .list(topics.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { tag, seconds in
            ["tag": .string(tag), "minutes": .string(Self.minutes(seconds))]
        })
        values["hasTopics"] = .bool(!topics.isEmpty)
        values["pieces"] = .list(pages.prefix(10).map { page in
            ["title": .string(entry.pages[page.page]?.title ?? page.page), "page": .string(page.page),
             "minutes": .string(Self.minutes(page.seconds)), "readers": .int(page.readers)]
        })
        values["hasPieces"] = .bool(!pages.isEmpty)
        values["timeline"] = .list(items.map { itemContext($0, snapshot: snapshot, language) })
        values["hasTimeline"] = .bool(!items.isEmpty)
        return html(theme.render("account", values))
    }

    func inbox(_ staff: ConsoleAccess, _ language: Language) async throws -> Response {
        let snapshot = directory.current
        let items = try await store.items(.assignedTo(staffID: staff.member.id, email: staff.member.email ?? ""), limit: 200)
            .filter { staff.sees($0.account) }
        var values = base(language, staff: staff)
        values["title"] = .string(text("inboxTitle", language))
        values["navInbox"] = true
        values["items"] = .list(items.map { itemContext($0, snapshot: snapshot, language) })
        values["empty"] = .bool(items.isEmpty)
        return html(theme.render("inbox", values))
    }

    func item(kind: String, id: Int64?, _ staff: ConsoleAccess, _ language: Language, _ request: Request) async throws -> Response {
        guard let found = try await find(kind: kind, id: id), staff.sees(found.account) else { throw ConsoleError.notFound }
        let snapshot = directory.current
        var values = base(language, staff: staff)
        values["title"] = .string(text(found.kind == .workshop ? "workshopTitle" : "feedbackTitle", language) + " #\(found.id)")
        values["item"] = itemContext(found, snapshot: snapshot, language)
        values["action"] = .string("/console/items/\(found.kind.rawValue)/\(found.id)")
        values["states"] = .list(nextStates(found).map { state in
            ["value": .string(state), "label": .string(text("state-\(state)", language))]
        })
        values["hasStates"] = .bool(!nextStates(found).isEmpty)
        values["needsDate"] = .bool(found.kind == .workshop)
        if staff.mayReassign(assignee: found.assignee, smeEmail: found.smeEmail) {
            values["assignees"] = .list(ConsoleAccess.assignable(on: found.account, in: snapshot.portal).map { member in
                ["id": .string(member.id), "name": .string(member.name), "selected": .bool(member.id == found.assignee)]
            })
            values["mayReassign"] = true
        }
        let history = try await store.history(found.kind == .workshop ? .workshop : .feedback, id: found.id)
        values["history"] = .list(history.map { event in
            ["at": .string(Self.dateText(event.at)), "actor": .string(snapshot.portal.staffMember(event.actor)?.name ?? event.actor),
             "action": .string(text("action-\(event.action)", language)),
             "from": .string(event.fromValue.map { valueText($0, of: event.action, snapshot: snapshot, language) } ?? ""),
             "to": .string(event.toValue.map { valueText($0, of: event.action, snapshot: snapshot, language) } ?? ""),
             "note": .string(event.note ?? "")]
        })
        values["notice"] = .string(request.uri.queryParameters["done"].map { text("done-\($0)", language) } ?? "")
        values["error"] = .string(request.uri.queryParameters["error"].map(String.init) ?? "")
        return html(theme.render("item", values))
    }

    /// A history value as a person reads it: a state's label, a staff member's name, or a day as it is.
    func valueText(_ value: String, of action: String, snapshot: FeedbackDirectory, _ language: Language) -> String {
        switch action {
        case "state": text("state-\(value)", language)
        case "assign": snapshot.portal.staffMember(value)?.name ?? value
        default: value
        }
    }

    func find(kind: String, id: Int64?) async throws -> ConsoleQueries.Item? {
        guard let id, let kind = ConsoleQueries.Item.Kind(rawValue: kind) else { return nil }
        return try await store.items(.one(kind, id), limit: 1).first
    }

    func nextStates(_ item: ConsoleQueries.Item) -> [String] {
        switch item.kind {
        case .workshop: WorkshopState(rawValue: item.state)?.allowedNext.map(\.rawValue) ?? []
        case .feedback: SubmissionStatus.allCases.map(\.rawValue).filter { $0 != item.state }
        }
    }

    /// A state change, note or reassignment from the item page; back to the page with what happened.
    func act(_ request: Request, _ context: FeedbackRequestContext) async throws -> Response {
        if let refused = checkOrigin(request, context) { return refused }
        let language = language(request, context)
        guard let staff = signedIn(context) else { return redirect("/console/sign-in") }
        let kind = context.parameters.get("kind") ?? "", id = context.parameters.get("id", as: Int64.self)
        guard let found = try await find(kind: kind, id: id), staff.sees(found.account) else {
            return message(.notFound, "notFoundTitle", detail: text("notFound", language), language, staff: staff)
        }
        guard let form = await FormBody.read(request) else {
            return message(.badRequest, "badRequestTitle", detail: text("badForm", language), language, staff: staff)
        }
        let back = "/console/items/\(found.kind.rawValue)/\(found.id)"
        let now = configuration.clock(), actor = staff.member.id
        let followUp: FollowUpKind = found.kind == .workshop ? .workshop : .feedback
        do {
            switch form["do"] {
            case "state":
                let note = form["note"].flatMap { $0.isEmpty ? nil : $0 }
                guard let target = form["state"] else { return redirect(back + "?error=" + escape(text("pickState", language))) }
                if found.kind == .workshop {
                    guard let state = WorkshopState(rawValue: target) else { return redirect(back + "?error=" + escape(text("pickState", language))) }
                    let date = form["date"].flatMap { $0.isEmpty ? nil : Day($0) }
                    _ = try await store.changeWorkshopState(id: found.id, to: state, scheduledFor: date, actor: actor, note: note, at: now)
                } else {
                    guard let status = SubmissionStatus(rawValue: target) else { return redirect(back + "?error=" + escape(text("pickState", language))) }
                    try await store.changeFeedbackStatus(id: found.id, to: status, actor: actor, note: note, at: now)
                }
                return redirect(back + "?done=state")
            case "note":
                guard let note = form["note"]?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty, note.count <= 4000 else {
                    return redirect(back + "?error=" + escape(text("noteEmpty", language)))
                }
                try await store.addNote(followUp, id: found.id, note: note, actor: actor, at: now)
                return redirect(back + "?done=note")
            case "assign":
                guard staff.mayReassign(assignee: found.assignee, smeEmail: found.smeEmail) else {
                    return message(.forbidden, "forbiddenTitle", detail: text("mayNotReassign", language), language, staff: staff)
                }
                let target = form["assignee"].flatMap { $0.isEmpty ? nil : $0 }
                if let target, !ConsoleAccess.assignable(on: found.account, in: directory.current.portal).contains(where: { $0.id == target }) {
                    return redirect(back + "?error=" + escape(text("notAssignable", language)))
                }
                try await store.assign(followUp, id: found.id, to: target, actor: actor, at: now)
                return redirect(back + "?done=assign")
            default:
                return message(.badRequest, "badRequestTitle", detail: text("badForm", language), language, staff: staff)
            }
        } catch let error as FollowUpError {
            return redirect(back + "?error=" + escape(error.description))
        }
    }

    // MARK: helpers

    func itemContext(_ item: ConsoleQueries.Item, snapshot: FeedbackDirectory, _ language: Language) -> TemplateValue {
        let account = snapshot.account(slug: item.account)
        let viewer = account?.config.viewers.first { $0.id == item.viewer }
        return [
            "kind": .string(text("kind-\(item.kind.rawValue)", language)), "isWorkshop": .bool(item.kind == .workshop),
            "id": .int(Int(item.id)), "url": .string("/console/items/\(item.kind.rawValue)/\(item.id)"),
            "account": .string(account?.config.name[language] ?? item.account), "accountURL": .string("/console/accounts/\(item.account)"),
            "at": .string(Self.dateText(item.receivedAt)), "reader": .string(viewer?.displayName ?? item.viewer),
            "page": .string(account?.pages[item.page]?.title ?? item.page), "summary": .string(item.summary),
            "state": .string(text("state-\(item.state)", language)),
            "assignee": .string(item.assignee.map { snapshot.portal.staffMember($0)?.name ?? $0 } ?? item.smeName ?? text("unassigned", language)),
            "scheduledFor": .string(item.scheduledFor ?? ""),
        ]
    }

    /// The UTC day of `date`, as the console and the report print it (no formatter made per row).
    static func dateText(_ date: Date) -> String {
        Day(ordinal: Int((date.timeIntervalSince1970 / 86_400).rounded(.down))).description
    }

    static func minutes(_ seconds: Int) -> String {
        seconds == 0 ? "0" : String(format: "%.1f", Double(seconds) / 60)
    }

    func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    /// State-changing requests must come from the console's own pages: the `Origin` a browser sends has to be
    /// this server's own (SameSite=Strict cookies are the second line).
    func checkOrigin(_ request: Request, _ context: FeedbackRequestContext) -> Response? {
        let host = request.head.authority
        let scheme = configuration.consoleSecureCookies ? "https" : "http"
        guard let origin = request.headers[.origin], let host, origin.lowercased() == "\(scheme)://\(host)".lowercased() else {
            let language = language(request, context)
            return message(.forbidden, "forbiddenTitle", detail: text("badOrigin", language), language)
        }
        return nil
    }

    func message(_ status: HTTPResponse.Status, _ titleKey: String, detail: String, _ language: Language, staff: ConsoleAccess? = nil) -> Response {
        var values = base(language, staff: staff)
        values["title"] = .string(text(titleKey, language))
        values["detail"] = .string(detail)
        return html(theme.render("message", values), status: status)
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

struct ConsoleError: Error {
    var status: HTTPResponse.Status
    var titleKey: String
    var detail: String

    static let notFound = ConsoleError(status: .notFound, titleKey: "notFoundTitle", detail: "")
}

/// One row of the accounts overview.
struct OverviewRow {
    var slug: String
    var name: String
    var totals: ConsoleQueries.AccountTotals
    var viewers: Int
    var quiet: Bool

    static func order(_ key: String) -> (OverviewRow, OverviewRow) -> Bool {
        func by<T: Comparable>(_ value: @escaping (OverviewRow) -> T) -> (OverviewRow, OverviewRow) -> Bool {
            { a, b in value(a) != value(b) ? value(a) > value(b) : a.slug < b.slug }
        }
        switch key {
        case "minutes": return by { $0.totals.current.seconds }
        case "readers": return by { $0.totals.current.readers }
        case "pieces": return by { $0.totals.current.pieces }
        case "last": return by { $0.totals.lastActivity ?? .distantPast }
        case "feedback": return by { $0.totals.openFeedback }
        case "workshops": return by { $0.totals.openWorkshops }
        default: return { a, b in a.name.localizedStandardCompare(b.name) == .orderedAscending }
        }
    }

    func context(_ language: Language, format: (Date) -> String) -> TemplateValue {
        func trend(_ now: Int, _ before: Int) -> String { now > before ? "up" : now < before ? "down" : "same" }
        return [
            "slug": .string(slug), "name": .string(name), "url": .string("/console/accounts/\(slug)"),
            "minutes": .string(ConsoleController.minutes(totals.current.seconds)),
            "minutesBefore": .string(ConsoleController.minutes(totals.previous.seconds)),
            "minutesTrend": .string(trend(totals.current.seconds, totals.previous.seconds)),
            "readers": .int(totals.current.readers), "readersBefore": .int(totals.previous.readers), "viewers": .int(viewers),
            "pieces": .int(totals.current.pieces), "piecesBefore": .int(totals.previous.pieces),
            "last": .string(totals.lastActivity.map(format) ?? "–"), "quiet": .bool(quiet),
            "openFeedback": .int(totals.openFeedback), "openWorkshops": .int(totals.openWorkshops),
        ]
    }
}

/// No caching, no framing, no outside resources, for every console response.
struct ConsoleHeaders: RouterMiddleware {
    typealias Context = FeedbackRequestContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` with the console's own form
        // posts, which the Origin check must refuse. Other sites still learn nothing.
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return response
    }
}
