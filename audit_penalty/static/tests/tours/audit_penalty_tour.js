import { registry } from "@web/core/registry";

// A month's audit, in two logins (test_ui_tour.py): HR & General Affairs runs
// the previous month's shortfall check and confirms the penalties; the Audit
// Department draws the audited days, records the customers of the sampled day
// (two falsified, one verified), confirms the results, then prepares and
// publishes the month's bulletin.

const BRANCH = "Tour Audit Branch";

function openMenu(section, item) {
    return [
        {
            content: "Open the apps",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "The Audit app",
            trigger: ".o_app[data-menu-xmlid='audit_penalty.menu_audit_root']",
            run: "click",
        },
        {
            content: `The ${section} menu`,
            trigger: `.o_menu_sections button[data-menu-xmlid='audit_penalty.${section}']`,
            run: "click",
        },
        {
            trigger: `.dropdown-item[data-menu-xmlid='audit_penalty.${item}']`,
            run: "click",
        },
    ];
}

function setResult(index, label) {
    return [
        {
            content: `Customer ${index + 1}: open the line`,
            trigger: `.o_field_widget[name='line_ids'] .o_data_row:eq(${index}) td[name='result']`,
            run: "click",
        },
        {
            content: `Customer ${index + 1}: ${label}`,
            trigger: `.o_field_widget[name='line_ids'] .o_data_row.o_selected_row .o_field_widget[name='result'] .o_selection_badge:contains('${label}')`,
            run: "click",
        },
        {
            trigger: `.o_field_widget[name='line_ids'] .o_data_row.o_selected_row .o_field_widget[name='result'] .o_selection_badge.active:contains('${label}')`,
        },
    ];
}

registry.category("web_tour.tours").add("audit_penalty_hr_tour", {
    url: "/web",
    steps: () => [
        ...openMenu("menu_audit_hr", "menu_audit_shortfall_wizard"),
        {
            content: "The previous month is proposed: compute it for every sub-branch",
            trigger: ".modal .o_field_widget[name='month'] input",
        },
        {
            trigger: ".modal button[name='action_compute']",
            run: "click",
        },
        {
            content: "The month's draft penalties",
            trigger: `.o_list_view .o_data_row:contains('${BRANCH}') td[name='state']:contains('Draft')`,
        },
        {
            content: "Select them all",
            trigger: ".o_list_view thead th.o_list_record_selector input",
            run: "click",
        },
        {
            content: "Confirm the selected penalties",
            trigger: ".o_control_panel button[name='action_confirm']",
            run: "click",
        },
        {
            content: "Once confirmed they are final: confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Every penalty of the month is confirmed",
            trigger: `.o_list_view:not(:has(td[name='state']:contains('Draft'))) .o_data_row:contains('${BRANCH}') td[name='state']:contains('Confirmed')`,
        },
    ],
});

registry.category("web_tour.tours").add("audit_penalty_audit_tour", {
    url: "/web",
    steps: () => [
        ...openMenu("menu_audit_department", "menu_audit_sampling_wizard"),
        {
            content: "No seed was committed: the system draws one",
            trigger: ".modal .o_field_widget[name='month'] input",
        },
        {
            trigger: ".modal button[name='action_draw']",
            run: "click",
        },
        {
            content: "The branch's sample",
            trigger: `.o_list_view .o_data_row:contains('${BRANCH}') td[name='branch_id']`,
            run: "click",
        },
        {
            content: "The customers called on the drawn day",
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row:eq(2)",
        },
        ...setResult(0, "Falsified"),
        ...setResult(1, "Falsified"),
        ...setResult(2, "Verified"),
        {
            content: "Save the results",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='falsified_count']:contains('2')",
        },
        {
            content: "Confirm the results",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The falsified customers are fined: confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Confirmed')",
        },
        {
            content: "The bulletins",
            trigger: ".o_menu_sections .o_nav_entry[data-menu-xmlid='audit_penalty.menu_audit_bulletin']",
            run: "click",
        },
        {
            content: "A new bulletin",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The previous month is proposed: prepare it",
            trigger: ".o_form_view .o_field_widget[name='period'] input",
        },
        {
            trigger: ".o_form_view button[name='action_generate']",
            run: "click",
        },
        {
            content: "Every sub-branch's figures, the branch fined for its falsified customers",
            trigger: `.o_field_widget[name='line_ids'] .o_data_row:contains('${BRANCH}') td[name='falsified']:contains('2')`,
        },
        {
            content: "Publish",
            trigger: ".o_form_view button[name='action_publish']",
            run: "click",
        },
        {
            content: "Published to every branch: confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Published')",
        },
        {
            content: "The published XLSX is there",
            trigger: ".o_form_view button[name='action_download_xlsx']",
        },
    ],
});

registry.category("web_tour.tours").add("audit_penalty_tiering_tour", {
    url: "/web",
    steps: () => [
        ...openMenu("menu_audit_department", "menu_audit_tiering_wizard"),
        {
            content: "Audit the whole bank",
            trigger: ".modal button[name='action_run']",
            run: "click",
        },
        {
            content: "The run: two customers never tiered",
            trigger: ".o_form_view .o_field_widget[name='never_tiered_count']:contains('2')",
        },
        {
            content: "The branch's line",
            trigger: ".o_field_widget[name='result_ids'] .o_data_row:contains('Tour Tiering Branch') td[name='never_tiered_count']:contains('2')",
        },
        {
            content: "Open the customers never tiered",
            trigger: ".o_form_view .o_row button[name='action_view_never_tiered']",
            run: "click",
        },
        {
            content: "The bank customers behind the count",
            trigger: ".o_list_view .o_data_row:contains('Tour Tiering Customer Zhou')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:eq(2))) .o_data_row:contains('Tour Tiering Customer Wu')",
        },
    ],
});
