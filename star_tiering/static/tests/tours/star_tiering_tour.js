import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A teller opens "Customers & Tiers", sees their customers with stars, opens
// one, and logs today's contact, which closes the maintenance to-do.
registry.category("web_tour.tours").add("star_tiering_teller_tour", {
    url: "/web",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customers & Tiers app",
            trigger: ".o_app[data-menu-xmlid='star_tiering.menu_star_tiering_root']",
            run: "click",
        },
        {
            content: "My customers are listed with their stars",
            trigger: ".o_list_view .o_data_row td[name='star_tier'] .o_priority",
        },
        {
            content: "Open the tour customer",
            trigger: ".o_data_row td[name='name']:contains('Tour Customer Zhang')",
            run: "click",
        },
        {
            content: "The form shows three stars",
            trigger: ".o_form_view .o_star_tier .o_priority .fa-star:nth-child(3)",
        },
        {
            content: "Log today's contact",
            trigger: ".o_form_view button[name='action_log_contact']",
            run: "click",
        },
        {
            content: "The maintenance to-do is gone",
            trigger: ".o_form_view:not(:has(.o-mail-Activity))",
        },
    ],
});
