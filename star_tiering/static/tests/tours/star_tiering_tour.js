import { registry } from "@web/core/registry";

// A teller logs in and lands on their customers due for contact (their home
// action), opens the one due, and logs today's contact, which closes the
// maintenance to-do. The test creates a colleague's due customer and one of
// the teller's that is not due: neither may be listed.
registry.category("web_tour.tours").add("star_tiering_teller_tour", {
    url: "/web",
    steps: () => [
        {
            content: "The home action is the teller's due customers",
            trigger: ".o_breadcrumb:contains('My Customers Due')",
        },
        {
            content: "'My Customers' is a facet of its own (not OR-ed with another filter)",
            trigger: ".o_searchview_facet:contains('My Customers'):not(:contains('Due for Contact'))",
        },
        {
            content: "'Due for Contact' is a facet of its own: the two filters combine with AND",
            trigger: ".o_searchview_facet:contains('Due for Contact'):not(:contains('My Customers'))",
        },
        {
            content: "The teller's due customer is listed with their stars",
            trigger: ".o_list_view .o_data_row:contains('Tour Customer Zhang') td[name='star_tier'] .o_priority",
        },
        {
            content: "Only that customer: not the colleague's due one, not the teller's one not due",
            trigger: ".o_list_view .o_data_row:only",
        },
        {
            content: "Neither the colleague's customer nor the one not due",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('Tour Customer Wang'))):not(:has(.o_data_row:contains('Tour Customer Li')))",
        },
        {
            content: "Open the due customer",
            trigger: ".o_data_row td[name='name']:contains('Tour Customer Zhang')",
            run: "click",
        },
        {
            content: "The bank form: two stars at the top",
            trigger:
                ".o_form_view .oe_title .o_star_tier .o_priority:has(.o_priority_star:nth-child(2).fa-star):has(.o_priority_star:nth-child(3).fa-star-o)",
        },
        {
            content: "The bank form: the customer number at the top",
            trigger: ".o_form_view .o_group .o_field_widget[name='customer_number']:contains('TOUR-1')",
        },
        {
            content: "The maintenance to-do is open",
            trigger: ".o-mail-Chatter .o-mail-Activity",
        },
        {
            content: "Log today's contact",
            trigger: ".o_form_view button[name='action_log_contact']",
            run: "click",
        },
        {
            content: "The maintenance to-do is gone",
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity))",
        },
        {
            content: "No open to-do at the top of the form either",
            trigger: ".o_form_view .o_field_widget[name='activity_ids']:not(:has(.o-mail-ListActivity-summary:not(:empty)))",
        },
    ],
});
